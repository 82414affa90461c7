"""Simulated nodes from a profile file: the GPU pools a test or the playground runs on.

A profile is a small YAML list of node groups (count, CPU, memory, GPU count and the labels the
NVIDIA GPU operator's feature discovery would set).  kwok manages every node we create with the
``kwok.x-k8s.io/node: fake`` annotation: it keeps them Ready through a Lease and moves the pods
bound to them to Running, so the real scheduler places pods by real GPU capacity.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

KWOK_ANNOTATION = "kwok.x-k8s.io/node"


class GPU(BaseModel):
    """The accelerator of a node group, as GPU feature discovery labels it."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(ge=1, description="nvidia.com/gpu capacity of each node.")
    product: str = Field(description="nvidia.com/gpu.product label, e.g. NVIDIA-H100-80GB-HBM3.")
    memory_mib: int = Field(ge=1, description="nvidia.com/gpu.memory label (MiB per GPU).")
    family: str = Field(description="nvidia.com/gpu.family label, e.g. hopper.")


class NodeGroup(BaseModel):
    """``count`` identical nodes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Node name prefix; nodes are <name>-0, <name>-1, ...")
    count: int = Field(default=1, ge=1, description="How many nodes of this shape.")
    cpu: str = Field(default="32", description="CPU capacity.")
    memory: str = Field(default="256Gi", description="Memory capacity.")
    pods: str = Field(default="110", description="Pod capacity.")
    gpu: GPU | None = Field(default=None, description="GPUs of each node; none for CPU nodes.")
    labels: dict[str, str] = Field(default_factory=dict, description="Extra node labels.")


class NodeProfile(BaseModel):
    """A named set of node groups."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(default="", description="What this profile is for.")
    groups: list[NodeGroup] = Field(description="The node groups to create.")


def profile_names() -> list[str]:
    """Profiles shipped with the package (``profiles/*.yaml``)."""
    root = resources.files("airunway.devcluster") / "profiles"
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def load_profile(name_or_path: str) -> NodeProfile:
    """Load a shipped profile by name, or any profile file by path."""
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} and path.is_file():
        text = path.read_text()
    else:
        res = resources.files("airunway.devcluster") / "profiles" / f"{name_or_path}.yaml"
        if not res.is_file():
            known = ", ".join(profile_names())
            raise ValueError(f"unknown node profile '{name_or_path}' (known: {known})")
        text = res.read_text()
    return NodeProfile.model_validate(yaml.safe_load(text))


def node_manifests(profile: NodeProfile) -> list[dict[str, Any]]:
    """The Node objects of a profile, ready for server-side apply."""
    nodes: list[dict[str, Any]] = []
    for group in profile.groups:
        for i in range(group.count):
            name = f"{group.name}-{i}"
            labels = {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "type": "kwok",
                "airunway.ai/node-group": group.name,
                **group.labels,
            }
            capacity = {
                "cpu": group.cpu,
                "memory": group.memory,
                "pods": group.pods,
                "ephemeral-storage": "1Ti",
            }
            if group.gpu is not None:
                labels |= {
                    "nvidia.com/gpu.present": "true",
                    "nvidia.com/gpu.product": group.gpu.product,
                    "nvidia.com/gpu.count": str(group.gpu.count),
                    "nvidia.com/gpu.memory": str(group.gpu.memory_mib),
                    "nvidia.com/gpu.family": group.gpu.family,
                }
                capacity["nvidia.com/gpu"] = str(group.gpu.count)
            nodes.append(
                {
                    "apiVersion": "v1",
                    "kind": "Node",
                    "metadata": {
                        "name": name,
                        "labels": labels,
                        "annotations": {
                            KWOK_ANNOTATION: "fake",
                            "node.alpha.kubernetes.io/ttl": "0",
                        },
                    },
                    "spec": {},
                    "status": {"capacity": capacity, "allocatable": dict(capacity)},
                }
            )
    return nodes
