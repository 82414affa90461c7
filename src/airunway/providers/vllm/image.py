"""Direct vLLM image choice and ``status.image`` ("recipes"), the pure half (spec §5.4).

The provider pins its default nightly image to a digest so every pod of a deployment runs the
same bits, and reports where the image came from.  Asking a registry for a digest is I/O and
belongs to the runtime (behind :class:`DigestResolver`); everything else is decided here:
:func:`plan_image` says what to resolve or reuse, :func:`image_status` turns the outcome into
``status.image`` and the four image conditions, :func:`resolution_error` says when the reconcile
must fail, and :func:`container_image` picks the image the Deployment runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from airunway.api import ImageStatus, ModelDeployment
from airunway.api.gostr import go_quote as go_quote  # noqa: PLC0414 - re-exported

OFFICIAL_REPOSITORY = "vllm/vllm-openai"
VLLM_VERSION = "cu130-nightly"
DEFAULT_IMAGE = f"{OFFICIAL_REPOSITORY}:{VLLM_VERSION}"
RESOLVE_TIMEOUT_SECONDS = 30.0
VERIFICATION_MESSAGE = (
    "Image attestation/signature verification is not implemented by this controller"
)
EMPTY_DIGEST = "resolver returned empty digest result"
UNSUPPORTED_CUSTOM = (
    "User-specified custom vLLM image is not verified as a supported provider image"
)
SUPPORTED = "Selected vLLM image is supported by provider image policy"
RECIPE_GENERATED_BY = "airunway.ai/generated-by"
RECIPE_RESOLVER = "vllm-recipe-resolver"
RECIPE_PREFIX = "airunway.ai/recipe."
_RECIPE_FIELDS = (
    (RECIPE_GENERATED_BY, "generated-by"),
    *((RECIPE_PREFIX + label, label) for label in ("source", "id", "strategy", "hardware")),
    *((RECIPE_PREFIX + label, label) for label in ("variant", "precision", "revision")),
    (RECIPE_PREFIX + "features", "features"),
)
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", re.ASCII)

#: condition type -> (status, reason, message)
Conditions = dict[str, tuple[str, str, str]]


class ImageSource(StrEnum):
    """How the image was selected (``status.image.source``)."""

    STABLE = "stable"
    NIGHTLY = "nightly"
    LAUNCH = "launch"
    CUSTOM = "custom"


class ImageReference(NamedTuple):
    """An image reference split the reference's way (no registry normalisation)."""

    repository: str
    tag: str
    digest: str


def parse_image(image_ref: str) -> ImageReference:
    """Digest after ``@``; tag after the last ``:`` when it follows the last ``/``."""
    name, _, digest = image_ref.strip().partition("@")
    colon, slash = name.rfind(":"), name.rfind("/")
    if colon > slash:
        return ImageReference(name[:colon], name[colon + 1 :], digest)
    return ImageReference(name, "", digest)


def image_source(reference: ImageReference, image_ref: str) -> ImageSource:
    """``launch``, else ``nightly`` (default or official nightly), else ``stable``/``custom``."""
    repository = reference.repository.strip().removeprefix("docker.io/")
    official = repository.removeprefix("index.docker.io/") == OFFICIAL_REPOSITORY
    tag = reference.tag.lower()
    if "launch" in tag:
        return ImageSource.LAUNCH
    if image_ref == DEFAULT_IMAGE or (official and "nightly" in tag):
        return ImageSource.NIGHTLY
    if official and reference.tag == "latest":
        return ImageSource.STABLE
    return ImageSource.CUSTOM


def container_image(md: ModelDeployment, resolved_image: str | None = None) -> str:
    """ImageOverride, else ``resolved_image`` (or ``status.image.resolved``), else the default."""
    if override := md.spec.image_override():
        return override
    if resolved_image is None and md.status is not None and md.status.image is not None:
        resolved_image = md.status.image.resolved
    return (resolved_image or "").strip() or DEFAULT_IMAGE


def recipe_provenance(annotations: Mapping[str, str] | None) -> str:
    """``label=value, ...`` of the recipe annotations, or "" when the MD did not come from one."""
    notes = annotations or {}
    if notes.get(RECIPE_GENERATED_BY) != RECIPE_RESOLVER and not any(
        key.startswith(RECIPE_PREFIX) for key in notes
    ):
        return ""
    parts = [(label, notes.get(key, "").strip()) for key, label in _RECIPE_FIELDS]
    return ", ".join(f"{label}={value}" for label, value in parts if value)


@dataclass(frozen=True)
class ResolvedImage:
    """What a registry said about a tag: its manifest digest and best-effort provenance."""

    digest: str
    created_at: str = ""
    revision: str = ""


class DigestResolver(Protocol):
    """Resolves a tagged reference through a registry (the runtime bounds it to 30 s)."""

    async def resolve(self, image_ref: str) -> ResolvedImage:
        """The digest of ``image_ref``; raises on any registry failure."""
        ...


class ImageAction(StrEnum):
    """What the runtime must do before rendering."""

    RESOLVE = "resolve"  # ask the registry for plan.requested
    REUSE = "reuse"  # previous status.image answers the same requested string
    PINNED = "pinned"  # digest given, or no tag: nothing to resolve


@dataclass(frozen=True)
class ImagePlan:
    """The requested image, how it is classified and what to do about it."""

    requested: str
    reference: ImageReference
    source: ImageSource
    provider_default: bool
    action: ImageAction
    previous: ImageStatus | None
    provenance: str

    @property
    def to_resolve(self) -> str | None:
        """The reference to hand to :class:`DigestResolver`, or None."""
        return self.requested if self.action is ImageAction.RESOLVE else None


def plan_image(
    md: ModelDeployment, previous_status_image: ImageStatus | Mapping[str, Any] | None
) -> ImagePlan:
    """Decide from the spec and the previous ``status.image`` (a moving tag is resolved once)."""
    requested = md.spec.image_override() or DEFAULT_IMAGE
    reference = parse_image(requested)
    previous = (
        ImageStatus.model_validate(previous_status_image)
        if isinstance(previous_status_image, Mapping)
        else previous_status_image
    )
    if not reference.tag.strip() or reference.digest.strip():
        action = ImageAction.PINNED
    elif (
        previous is not None
        and (previous.requested or "").strip() == requested.strip()
        and (previous.resolved or "").strip()
        and (previous.digest or "").strip()
    ):
        action = ImageAction.REUSE
    else:
        action = ImageAction.RESOLVE
    return ImagePlan(
        requested=requested,
        reference=reference,
        source=image_source(reference, requested),
        provider_default=not md.spec.image_override(),
        action=action,
        previous=previous,
        provenance=recipe_provenance(md.metadata.annotations),
    )


def image_age(created_at: str, now: datetime) -> str:
    """Age at ``now`` of an RFC 3339 time: ``<d>d``, ``<h>h``, ``<m>m`` or ``0m`` ("" if bad)."""
    text = created_at.strip()
    try:
        created = datetime.fromisoformat(text) if _RFC3339.fullmatch(text) else None
    except ValueError:  # e.g. month 13
        created = None
    if created is None:
        return ""
    seconds = max((now.astimezone(UTC) - created).total_seconds(), 0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "0m"


def _failure(plan: ImagePlan, outcome: ResolvedImage | Exception | None) -> str | None:
    if plan.action is not ImageAction.RESOLVE:
        return None
    if isinstance(outcome, Exception):
        return str(outcome)
    if outcome is None or not outcome.digest.strip():
        return EMPTY_DIGEST
    return None


def resolution_error(plan: ImagePlan, outcome: ResolvedImage | Exception | None) -> str | None:
    """The reconcile error when the provider default could not be resolved, else None."""
    failure = _failure(plan, outcome)
    if failure is None or not plan.provider_default:
        return None
    return f"failed to resolve default vLLM image {go_quote(plan.requested)}: {failure}"


class ImageReport(NamedTuple):
    """``status.image`` (wire form, empty fields omitted) and the image conditions."""

    image: dict[str, Any]
    conditions: Conditions


def _resolution(
    plan: ImagePlan, outcome: ResolvedImage | Exception | None, now: datetime
) -> tuple[dict[str, str], str, tuple[str, str]]:
    """(fields from resolution, message without provenance, (ImageResolved status, reason))."""
    quoted, selection = go_quote(plan.requested), f"from {plan.source.value} selection"
    failure = _failure(plan, outcome)
    if failure is not None:
        message = f"Failed to resolve Direct vLLM image {quoted} {selection}: {failure}."
        if not plan.provider_default:
            message += " Continuing with the user-specified image reference."
        return {}, message, ("False", "ImageResolutionFailed")
    if plan.action is ImageAction.REUSE and plan.previous is not None:
        old = plan.previous
        kept = {"resolved": old.resolved, "digest": old.digest, "createdAt": old.created_at}
        kept |= {"revision": old.revision, "age": old.age}
        message = f"Reused resolved Direct vLLM image {quoted} to {go_quote(old.resolved or '')}"
        return _strings(kept), f"{message} {selection}.", ("True", "ImageResolutionReused")
    if isinstance(outcome, ResolvedImage) and plan.action is ImageAction.RESOLVE:
        created = outcome.created_at.strip()
        fields: dict[str, str] = {"resolved": f"{plan.reference.repository}@{outcome.digest}"}
        fields |= {"digest": outcome.digest, "createdAt": created}
        fields |= {"revision": outcome.revision.strip(), "age": image_age(created, now)}
    else:
        fields = {"resolved": plan.requested}
    message = f"Resolved Direct vLLM image {quoted}"
    if fields["resolved"] != plan.requested:
        message += f" to {go_quote(fields['resolved'])}"
    return fields, f"{message} {selection}.", ("True", "ImageResolved")


def _strings(fields: Mapping[str, str | None]) -> dict[str, str]:
    return {key: value or "" for key, value in fields.items()}


def image_status(
    plan: ImagePlan, outcome: ResolvedImage | Exception | None, now: datetime
) -> ImageReport:
    """``status.image`` and the image conditions once the runtime has acted on ``plan``.

    ``outcome`` is the resolver's answer (or its exception) when ``plan.action`` is
    ``RESOLVE``, and is ignored otherwise.  ``status.image`` replaces the previous one wholesale.
    """
    ref = plan.reference
    resolution, message, resolved = _resolution(plan, outcome, now)
    conditions: Conditions = {}
    if plan.provenance:
        message += f" Recipe provenance: {plan.provenance}."
        conditions["RecipeResolved"] = ("True", "RecipeProvenanceResolved", plan.provenance)
    fields: dict[str, Any] = {"requested": plan.requested, "resolved": ""}
    fields |= {"repository": ref.repository, "tag": ref.tag, "digest": ref.digest}
    fields |= {"source": plan.source.value, "createdAt": "", "revision": "", "age": ""}
    fields |= resolution
    fields |= {"inNightly": plan.source is ImageSource.NIGHTLY}
    fields |= {"verificationMessage": VERIFICATION_MESSAGE, "message": message}
    if plan.source is ImageSource.CUSTOM:
        conditions["UnsupportedImage"] = ("True", "CustomImage", UNSUPPORTED_CUSTOM)
    else:
        conditions["UnsupportedImage"] = ("False", "SupportedImage", SUPPORTED)
    conditions["ImageResolved"] = (*resolved, message)
    conditions["ImageVerified"] = ("Unknown", "VerificationNotImplemented", VERIFICATION_MESSAGE)
    image = {key: value for key, value in fields.items() if value not in ("", False)}
    return ImageReport(image, conditions)
