"""Install CustomResourceDefinitions from directories and wait until they are Established.

CRDs are applied with server-side apply (several upstream CRDs exceed the 256 KiB annotation limit
of client-side apply) and force, so re-running ``up`` or installing a newer copy just converges.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import yaml

from airunway.kube.client import Kube

CRD_API = "apiextensions.k8s.io/v1"


def load_crds(directory: Path) -> list[dict[str, Any]]:
    """Every CustomResourceDefinition document in the YAML files below ``directory``."""
    if not directory.is_dir():
        raise FileNotFoundError(f"CRD directory {directory} does not exist")
    crds: list[dict[str, Any]] = []
    for path in sorted(directory.rglob("*.y*ml")):
        crds.extend(
            doc
            for doc in yaml.safe_load_all(path.read_text())
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"
        )
    return crds


async def install_crds(kube: Kube, directories: list[Path], timeout: float = 120.0) -> list[str]:
    """Apply every CRD found and wait for each to be Established; return their names."""
    crds = [crd for d in directories for crd in load_crds(d)]
    for crd in crds:
        await kube.apply(crd, force=True)
    names = [str(crd["metadata"]["name"]) for crd in crds]
    await asyncio.gather(
        *(
            kube.wait_condition(
                CRD_API, "CustomResourceDefinition", n, "Established", timeout=timeout
            )
            for n in names
        )
    )
    return names
