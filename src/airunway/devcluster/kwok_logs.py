"""Logs of pods on kwok's simulated nodes, so ``kubectl logs`` and the backend's log route work.

There is no kubelet: the API server proxies ``pods/log`` to the node's kubelet endpoint, which
kwok serves itself (``--node-port`` puts its port in every node's ``daemonEndpoints``; it answers
TLS and the API server does not verify kubelet certificates by default).  kwok reads a pod's log
from a file named by a ``ClusterLogs`` rule; ours matches every pod and points at one file in CRI
log format that says plainly what these containers are: simulated, with no process and no output
of their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

LINES = (
    "kwok: this container runs on a simulated node (kwok); no process was started",
    "kwok: a real node would show the model server's output here",
)


def write_config(cluster_dir: Path) -> Path:
    """Write the log file and the ClusterLogs rule kwok loads with ``--config``; return the rule."""
    directory = cluster_dir / "kwok"
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")
    log_file = directory / "simulated-container.log"
    log_file.write_text("".join(f"{stamp} stdout F {line}\n" for line in LINES))
    rule = {
        "apiVersion": "kwok.x-k8s.io/v1alpha1",
        "kind": "ClusterLogs",
        "metadata": {"name": "simulated-containers"},
        "spec": {"selector": {}, "logs": [{"containers": [], "logsFile": str(log_file)}]},
    }
    config = directory / "cluster-logs.yaml"
    config.write_text(yaml.safe_dump(rule, sort_keys=False))
    return config
