"""The pure half of the startup migration (spec §3.2): legacy flat capabilities → per engine.

On raw dicts, because the legacy shape does not match our pydantic models; tested by the
thousand without a cluster.  :mod:`airunway.controller.migration` runs it against the API.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

log = logging.getLogger(__name__)

Action = Literal["cleaned", "hoisted", "migrated"]

#: Keys that used to sit on ``spec.capabilities`` and now live on each engine.  They are removed
#: from ``spec.capabilities`` on every pass, so a future top-level capability must not reuse one
#: of these names (the reference carries the same warning).
LEGACY_FLAT_KEYS: Final = ("servingModes", "gpuSupport", "cpuSupport", "requiresCRD", "gateway")

CRD_ABSENT_MESSAGE: Final = "InferenceProviderConfig CRD not present; skipping migration"
LIST_FAILED_MESSAGE: Final = "failed to list InferenceProviderConfig for migration after retries"


class MigrationError(Exception):
    """The migration could not even list the objects; the leader must not go on (spec §3.2.4)."""


class MalformedEngineError(ValueError):
    """An engine entry has the wrong JSON type; the object is left untouched, never truncated.

    Writing back a list without the odd entry would silently drop an operator's data, so the
    reference fails loudly instead, and so do we.  ``index`` is the entry's position,
    ``expected`` the JSON type the rest of the list implies (``object`` or ``string``) and
    ``got`` the entry's JSON type name (see :func:`json_type_name`).
    """

    def __init__(self, index: int, expected: str, value: object) -> None:
        self.index = index
        self.expected = expected
        self.got = json_type_name(value)
        super().__init__(
            f"malformed engine entry at spec.capabilities.engines[{index}]: "
            f"expected {expected}, got {self.got}"
        )


def json_type_name(value: object) -> str:
    """The JSON type of a decoded value, in the words the error messages use.

    The reference prints Go's ``%T`` of the decoded JSON value; its Go type names are an
    artefact of the decoder, so we print the JSON type the operator wrote instead:

    ==============  ===========================  ==========
    Python value    Go ``%T`` (reference)        ours
    ==============  ===========================  ==========
    ``str``         ``string``                   ``string``
    ``int/float``   ``int64`` / ``float64``      ``number``
    ``bool``        ``bool``                     ``bool``
    ``list``        ``[]interface {}``           ``array``
    ``dict``        ``map[string]interface {}``  ``object``
    ``None``        ``<nil>``                    ``null``
    ==============  ===========================  ==========

    Anything else (not produced by a JSON decoder) is named by its Python type.
    """
    # bool before number: in Python a bool is an int
    names: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (str, "string"),
        (bool, "bool"),
        ((int, float), "number"),
        (list, "array"),
        (Mapping, "object"),
    )
    if value is None:
        return "null"
    for kinds, name in names:
        if isinstance(value, kinds):
            return name
    return type(value).__name__


@dataclass(frozen=True)
class _Legacy:
    """The flat values as the reference's typed accessors read them (wrong type = absent)."""

    serving_modes: list[str]
    gpu_support: bool
    cpu_support: bool
    requires_crd: bool | None
    gateway: dict[str, Any] | None

    @classmethod
    def read(cls, capabilities: Mapping[str, Any]) -> _Legacy:
        modes = capabilities.get("servingModes")
        if not isinstance(modes, list) or not all(isinstance(m, str) for m in modes):
            modes = []
        requires = capabilities.get("requiresCRD")
        gateway = capabilities.get("gateway")
        return cls(
            serving_modes=list(modes),
            gpu_support=_bool(capabilities.get("gpuSupport")),
            cpu_support=_bool(capabilities.get("cpuSupport")),
            requires_crd=requires if isinstance(requires, bool) else None,
            gateway=gateway if isinstance(gateway, dict) and gateway else None,
        )

    def fill(self, engine: dict[str, Any]) -> None:
        """Set every key the engine lacks (an engine's own value, even null, always wins)."""
        engine.setdefault("gpuSupport", self.gpu_support)
        engine.setdefault("cpuSupport", self.cpu_support)
        if self.serving_modes:
            engine.setdefault("servingModes", list(self.serving_modes))
        if self.requires_crd is not None:
            engine.setdefault("requiresCRD", self.requires_crd)
        if self.gateway is not None and "gateway" not in engine:
            # each engine owns its own copy: editing one must never change another
            engine["gateway"] = copy.deepcopy(self.gateway)


def _bool(value: object) -> bool:
    return value if isinstance(value, bool) else False


def _has_flat_key(capabilities: Mapping[str, Any]) -> bool:
    return any(key in capabilities for key in LEGACY_FLAT_KEYS)


def _strip_flat_keys(capabilities: dict[str, Any]) -> None:
    for key in LEGACY_FLAT_KEYS:
        capabilities.pop(key, None)


def migrate_capabilities(spec: Mapping[str, Any]) -> tuple[dict[str, Any], Action | None]:
    """Bring one InferenceProviderConfig ``spec`` onto per-engine capabilities (spec §3.2.3).

    Pure: ``spec`` is not modified; the returned spec is a deep copy in every case.

    Parameters
    ----------
    spec
        The raw ``spec`` of an InferenceProviderConfig, as read from the API.

    Returns
    -------
    tuple
        The new spec, and what was done: ``"cleaned"`` (no engines, stale flat keys removed),
        ``"hoisted"`` (object engines filled from flat keys), ``"migrated"`` (string engines
        turned into objects), or ``None`` when nothing changed and nothing must be written.

    Raises
    ------
    MalformedEngineError
        An engine entry's type differs from the first entry's (string vs object).

    Notes
    -----
    Missing or malformed ``capabilities`` (not an object) or ``engines`` (present but not an
    array, including null) are left alone, as the reference does: there is nothing safe to
    rewrite.  Keys other than the flat ones, on ``capabilities`` and on each engine, are kept.
    """
    new_spec = copy.deepcopy(dict(spec))
    capabilities = new_spec.get("capabilities")
    if not isinstance(capabilities, dict):
        return new_spec, None
    engines = capabilities.get("engines", [])
    if not isinstance(engines, list):
        return new_spec, None
    string_engines = bool(engines) and isinstance(engines[0], str)
    if not string_engines and not _has_flat_key(capabilities):
        # already in the new shape (string engines are converted even without flat keys: the
        # typed readers cannot use them)
        return new_spec, None
    legacy = _Legacy.read(capabilities)
    action: Action
    if not engines:
        action = "cleaned"
    elif string_engines:
        capabilities["engines"] = list(_from_strings(engines, legacy))
        action = "migrated"
    else:
        for index, engine in enumerate(engines):
            if not isinstance(engine, dict):
                raise MalformedEngineError(index, "object", engine)
            legacy.fill(engine)
        action = "hoisted"
    _strip_flat_keys(capabilities)
    return new_spec, action


def _from_strings(engines: list[Any], legacy: _Legacy) -> Iterator[dict[str, Any]]:
    for index, name in enumerate(engines):
        if not isinstance(name, str):
            raise MalformedEngineError(index, "string", name)
        engine: dict[str, Any] = {"name": name}
        legacy.fill(engine)
        yield engine
