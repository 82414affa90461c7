"""In-memory views of InferenceProviderConfigs and ModelDeployments, fed by the watches.

The reconciler reads provider configs from here instead of listing them on every reconcile (as
controller-runtime's informer cache does), and the IPC fan-out uses the ModelDeployment index to
find who depends on a provider without a cluster-wide list per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from airunway.api import InferenceProviderConfig
from airunway.runtime.own_writes import OwnWrites

MDKey = tuple[str, str]


@dataclass(frozen=True)
class MDRef:
    """What the fan-out needs to know about a ModelDeployment."""

    spec_provider: str
    status_provider: str

    @property
    def needs_selection(self) -> bool:
        """No provider named in spec and none selected yet."""
        return not self.spec_provider and not self.status_provider


def md_ref(body: dict[str, Any]) -> MDRef:
    """Extract the provider names of a raw ModelDeployment."""
    spec = (body.get("spec") or {}).get("provider") or {}
    status = (body.get("status") or {}).get("provider") or {}
    return MDRef(str(spec.get("name") or ""), str(status.get("name") or ""))


def _ready(body: dict[str, Any]) -> object:
    return (body.get("status") or {}).get("ready")


class Store:
    """Provider configs by name (parsed) and ModelDeployment provider references by key."""

    def __init__(self) -> None:
        self.configs: dict[str, InferenceProviderConfig] = {}
        #: our own last status write of each ModelDeployment: its watch echo is not reconciled
        self.own_writes = OwnWrites()
        self.raw_configs: dict[str, dict[str, Any]] = {}
        self.deployments: dict[MDKey, MDRef] = {}
        #: the latest body each watch event delivered (an informer cache): reconciles read it
        #: instead of GETting the object again
        self.bodies: dict[MDKey, dict[str, Any]] = {}
        self.synced = False

    def put_config(self, body: dict[str, Any]) -> bool:
        """Store a config; True when readiness or spec changed (the reference's predicate)."""
        name = str(body["metadata"]["name"])
        old = self.raw_configs.get(name)
        self.raw_configs[name] = body
        try:
            self.configs[name] = InferenceProviderConfig.model_validate(body)
        except ValidationError:
            self.configs.pop(name, None)
        if old is None:
            return True
        return _ready(old) != _ready(body) or old.get("spec") != body.get("spec")

    def delete_config(self, name: str) -> None:
        """Forget a deleted config."""
        self.configs.pop(name, None)
        self.raw_configs.pop(name, None)

    def sorted_configs(self) -> list[InferenceProviderConfig]:
        """Configs in API-server list order (by name), as the reference iterates them."""
        return [self.configs[n] for n in sorted(self.configs)]

    def dependents(self, provider: str) -> list[MDKey]:
        """ModelDeployments to re-reconcile when ``provider``'s config changes."""
        return [
            key
            for key, ref in self.deployments.items()
            if provider in {ref.spec_provider, ref.status_provider} or ref.needs_selection
        ]
