"""Write every generated deployment file into ``deploy/``, or check them (``--check``).

One entry point for all processes' manifests: the controller's (``controller.deploy``) and each
provider's RBAC.  Run ``python -m airunway.deploygen [--check]``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from airunway.backend import rbac as backend_rbac
from airunway.controller import deploy as controller_deploy
from airunway.providers.dynamo.config import RBAC_RULES as DYNAMO_RULES
from airunway.providers.kaito.config import RBAC_RULES as KAITO_RULES
from airunway.providers.kuberay.config import RBAC_RULES as KUBERAY_RULES
from airunway.providers.llmd.config import RBAC_RULES as LLMD_RULES
from airunway.providers.sdk import rbac as provider_rbac
from airunway.providers.vllm.config import RBAC_RULES as VLLM_RULES


def _kaito() -> list[dict[str, Any]]:
    return provider_rbac.manifests("kaito", KAITO_RULES)


def _vllm() -> list[dict[str, Any]]:
    return provider_rbac.manifests("vllm", VLLM_RULES)


def _dynamo() -> list[dict[str, Any]]:
    return provider_rbac.manifests("dynamo", DYNAMO_RULES)


def _kuberay() -> list[dict[str, Any]]:
    return provider_rbac.manifests("kuberay", KUBERAY_RULES)


def _llmd() -> list[dict[str, Any]]:
    return provider_rbac.manifests("llmd", LLMD_RULES)


FILES: dict[Path, Callable[[], list[dict[str, Any]]]] = {
    **controller_deploy.FILES,
    Path("deploy/rbac/kaito-provider.yaml"): _kaito,
    Path("deploy/rbac/vllm-provider.yaml"): _vllm,
    Path("deploy/rbac/dynamo-provider.yaml"): _dynamo,
    Path("deploy/rbac/kuberay-provider.yaml"): _kuberay,
    Path("deploy/rbac/llmd-provider.yaml"): _llmd,
    Path("deploy/rbac/backend.yaml"): backend_rbac.manifests,
}


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) every generated file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when a file has drifted")
    args = parser.parse_args(argv)
    drifted = []
    for path, build in FILES.items():
        text = controller_deploy.render(build())
        if args.check:
            if not path.is_file() or path.read_text() != text:
                drifted.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if drifted:
        sys.stderr.write(f"out of date: {', '.join(drifted)}; run make generate\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
