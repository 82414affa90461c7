"""Kubeconfig files for the admin user and each control-plane component.

Each component gets its own client certificate with the identity that Kubernetes' bootstrap RBAC
expects (``system:kube-controller-manager``, ``system:kube-scheduler``), so the dev cluster runs
with the same authorization as a real one instead of everything as ``system:masters``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from airunway.devcluster.pki import ClusterPKI, KeyPair

#: (file stem, user name, groups) for each identity that gets a kubeconfig.
IDENTITIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("admin", "kubernetes-admin", ("system:masters",)),
    ("controller-manager", "system:kube-controller-manager", ()),
    ("scheduler", "system:kube-scheduler", ()),
    ("kwok", "system:kwok-controller", ("system:masters",)),
)


def write_kubeconfig(path: Path, *, server: str, ca: Path, client: KeyPair, name: str) -> None:
    """Write a single-context kubeconfig that points at ``server`` with a client certificate."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": name, "cluster": {"server": server, "certificate-authority": str(ca)}}
        ],
        "users": [
            {
                "name": name,
                "user": {
                    "client-certificate": str(client.cert),
                    "client-key": str(client.key),
                },
            }
        ],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)


def write_token_kubeconfig(path: Path, *, server: str, ca: Path, token: str) -> None:
    """Write a kubeconfig that authenticates with a bearer token (a ServiceAccount's)."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "c", "cluster": {"server": server, "certificate-authority": str(ca)}}
        ],
        "users": [{"name": "u", "user": {"token": token}}],
        "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "c",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)


def write_all(directory: Path, pki: ClusterPKI, server: str, cluster_name: str) -> dict[str, Path]:
    """Issue a client cert and write a kubeconfig for every identity; return stem → path."""
    paths: dict[str, Path] = {}
    for stem, user, groups in IDENTITIES:
        pair = pki.client(f"client-{stem}", user, groups)
        path = directory / f"{stem}.kubeconfig"
        write_kubeconfig(path, server=server, ca=pki.ca.cert, client=pair, name=cluster_name)
        paths[stem] = path
    return paths
