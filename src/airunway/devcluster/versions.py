"""The pinned versions of every control-plane component, in one place.

The Go tool modules under ``tools/`` are what actually pins the source; these constants are what
the code and the tests compare against (``/version`` must report :data:`KUBERNETES`).  A unit test
checks that they agree with the ``go.mod`` files, so bumping one without the other fails CI.
"""

from __future__ import annotations

from typing import Final

KUBERNETES: Final = "v1.35.8"
ETCD: Final = "v3.6.5"
KWOK: Final = "v0.8.0"
HELM: Final = "v3.21.4"
#: Kubernetes minor that helm reports as its default KubeVersion (from its client-go v0.36).
HELM_K8S_MINOR: Final = "36"
