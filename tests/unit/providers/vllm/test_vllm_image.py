"""Direct vLLM image handling (spec §5.4): parsing, source, plan, status.image and conditions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from airunway.api import ImageStatus
from airunway.providers.vllm import (
    DEFAULT_IMAGE,
    ImageAction,
    ResolvedImage,
    image_status,
    plan_image,
    resolution_error,
)
from airunway.providers.vllm.image import (
    ImageReference,
    ImageSource,
    go_quote,
    image_age,
    image_source,
    parse_image,
    recipe_provenance,
)
from tests.unit.providers.vllm.vllm_builders import engine, vllm_md

NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
DIGEST = "sha256:" + "ab" * 32
PINNED = f"vllm/vllm-openai@{DIGEST}"
VERIFY = "Image attestation/signature verification is not implemented by this controller"
VERIFIED = ("Unknown", "VerificationNotImplemented", VERIFY)
SUPPORTED = ("False", "SupportedImage", "Selected vLLM image is supported by provider image policy")
CUSTOM = (
    "True",
    "CustomImage",
    "User-specified custom vLLM image is not verified as a supported provider image",
)


def _user(image: str, **kwargs: Any) -> Any:
    return vllm_md(engine=engine(image=image), **kwargs)


# --- parsing and source --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "parts"),
    [
        ("vllm/vllm-openai:cu130-nightly", ("vllm/vllm-openai", "cu130-nightly", "")),
        ("registry:5000/org/img", ("registry:5000/org/img", "", "")),
        ("registry:5000/org/img:v1", ("registry:5000/org/img", "v1", "")),
        (f"registry:5000/org/img:v1@{DIGEST}", ("registry:5000/org/img", "v1", DIGEST)),
        (f"img@{DIGEST}", ("img", "", DIGEST)),
        ("  vllm/vllm-openai:latest \n", ("vllm/vllm-openai", "latest", "")),
        ("", ("", "", "")),
    ],
)
def test_parse_image(ref: str, parts: tuple[str, str, str]) -> None:
    assert parse_image(ref) == ImageReference(*parts)


@pytest.mark.parametrize(
    ("ref", "source"),
    [
        (DEFAULT_IMAGE, ImageSource.NIGHTLY),
        ("vllm/vllm-openai:nightly-2025-06-01", ImageSource.NIGHTLY),
        ("docker.io/vllm/vllm-openai:cu128-NIGHTLY", ImageSource.NIGHTLY),
        ("index.docker.io/vllm/vllm-openai:latest", ImageSource.STABLE),
        ("vllm/vllm-openai:latest", ImageSource.STABLE),
        ("vllm/vllm-openai:LATEST", ImageSource.CUSTOM),
        ("vllm/vllm-openai:v0.9.1", ImageSource.CUSTOM),
        ("vllm/vllm-openai", ImageSource.CUSTOM),
        ("ghcr.io/vllm/vllm-openai:nightly", ImageSource.CUSTOM),
        ("ghcr.io/acme/vllm:Launch-2025", ImageSource.LAUNCH),
        ("vllm/vllm-openai:nightly-launch", ImageSource.LAUNCH),
        (f"vllm/vllm-openai@{DIGEST}", ImageSource.CUSTOM),
    ],
)
def test_image_source(ref: str, source: ImageSource) -> None:
    assert image_source(parse_image(ref), ref) is source


def test_go_quote() -> None:
    assert go_quote('a"b\\c\n\t\x01é\u200b') == '"a\\"b\\\\c\\n\\t\\x01é\\u200b"'


# --- plan ----------------------------------------------------------------------------------------


def test_the_default_image_is_resolved() -> None:
    plan = plan_image(vllm_md(), None)
    assert (plan.requested, plan.action, plan.provider_default) == (
        DEFAULT_IMAGE,
        ImageAction.RESOLVE,
        True,
    )
    assert plan.source is ImageSource.NIGHTLY
    assert plan.to_resolve == DEFAULT_IMAGE


@pytest.mark.parametrize("image", [f"acme/vllm:v1@{DIGEST}", "acme/vllm", f"acme/vllm@{DIGEST}"])
def test_digests_and_untagged_images_are_not_resolved(image: str) -> None:
    plan = plan_image(_user(image), None)
    assert (plan.action, plan.to_resolve, plan.provider_default) == (
        ImageAction.PINNED,
        None,
        False,
    )


PREVIOUS = {"requested": DEFAULT_IMAGE, "resolved": PINNED, "digest": DIGEST}


@pytest.mark.parametrize(
    ("previous", "action"),
    [
        (PREVIOUS, ImageAction.REUSE),
        (ImageStatus.model_validate(PREVIOUS), ImageAction.REUSE),
        (PREVIOUS | {"requested": f" {DEFAULT_IMAGE} "}, ImageAction.REUSE),
        (PREVIOUS | {"requested": "vllm/vllm-openai:latest"}, ImageAction.RESOLVE),
        (PREVIOUS | {"digest": " "}, ImageAction.RESOLVE),
        (PREVIOUS | {"resolved": ""}, ImageAction.RESOLVE),
        ({}, ImageAction.RESOLVE),
    ],
)
def test_a_previous_resolution_of_the_same_string_is_reused(
    previous: dict[str, str] | ImageStatus, action: ImageAction
) -> None:
    assert plan_image(vllm_md(), previous).action is action


# --- status.image and conditions -----------------------------------------------------------------


def test_resolving_the_default_image() -> None:
    plan = plan_image(vllm_md(), None)
    outcome = ResolvedImage(digest=DIGEST, created_at=" 2025-06-07T11:00:00Z ", revision=" abc1 ")
    image, conditions = image_status(plan, outcome, NOW)
    message = f'Resolved Direct vLLM image "{DEFAULT_IMAGE}" to "{PINNED}" from nightly selection.'
    assert image == {
        "requested": DEFAULT_IMAGE,
        "resolved": PINNED,
        "repository": "vllm/vllm-openai",
        "tag": "cu130-nightly",
        "digest": DIGEST,
        "source": "nightly",
        "createdAt": "2025-06-07T11:00:00Z",
        "revision": "abc1",
        "age": "3d",
        "inNightly": True,
        "verificationMessage": VERIFY,
        "message": message,
    }
    assert conditions == {
        "UnsupportedImage": SUPPORTED,
        "ImageResolved": ("True", "ImageResolved", message),
        "ImageVerified": VERIFIED,
    }
    assert resolution_error(plan, outcome) is None
    ImageStatus.model_validate(image)


def test_provenance_is_optional() -> None:
    plan = plan_image(_user("vllm/vllm-openai:latest"), None)
    image, _ = image_status(plan, ResolvedImage(digest=DIGEST), NOW)
    assert image["source"] == "stable"
    assert not {"createdAt", "revision", "age", "inNightly"} & image.keys()


def test_reusing_a_previous_resolution() -> None:
    previous = PREVIOUS | {"createdAt": "2025-06-01T00:00:00Z", "age": "2d", "revision": "r"}
    plan = plan_image(vllm_md(), previous | {"message": "old", "source": "custom"})
    image, conditions = image_status(plan, ResolvedImage(digest="sha256:ignored"), NOW)
    message = (
        f'Reused resolved Direct vLLM image "{DEFAULT_IMAGE}" to "{PINNED}" from nightly selection.'
    )
    assert image == {
        "requested": DEFAULT_IMAGE,
        "resolved": PINNED,
        "repository": "vllm/vllm-openai",
        "tag": "cu130-nightly",
        "digest": DIGEST,
        "source": "nightly",
        "createdAt": "2025-06-01T00:00:00Z",
        "revision": "r",
        "age": "2d",
        "inNightly": True,
        "verificationMessage": VERIFY,
        "message": message,
    }
    assert conditions["ImageResolved"] == ("True", "ImageResolutionReused", message)


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        (
            RuntimeError("GET https://registry-1.docker.io: 503"),
            "GET https://registry-1.docker.io: 503",
        ),
        (ResolvedImage(digest=" "), "resolver returned empty digest result"),
        (None, "resolver returned empty digest result"),
    ],
)
def test_the_default_image_must_resolve(outcome: Any, reason: str) -> None:
    plan = plan_image(vllm_md(), None)
    image, conditions = image_status(plan, outcome, NOW)
    message = (
        f'Failed to resolve Direct vLLM image "{DEFAULT_IMAGE}" from nightly selection: {reason}.'
    )
    assert image["message"] == message
    assert "resolved" not in image
    assert image["tag"] == "cu130-nightly"
    assert "digest" not in image
    assert conditions["ImageResolved"] == ("False", "ImageResolutionFailed", message)
    assert conditions["ImageVerified"] == VERIFIED
    assert resolution_error(plan, outcome) == (
        f'failed to resolve default vLLM image "{DEFAULT_IMAGE}": {reason}'
    )


def test_a_user_image_that_does_not_resolve_is_used_as_written() -> None:
    plan = plan_image(_user("ghcr.io/acme/vllm:v2"), None)
    image, conditions = image_status(plan, TimeoutError("timed out"), NOW)
    message = (
        'Failed to resolve Direct vLLM image "ghcr.io/acme/vllm:v2" from custom selection: '
        "timed out. Continuing with the user-specified image reference."
    )
    assert conditions == {
        "UnsupportedImage": CUSTOM,
        "ImageResolved": ("False", "ImageResolutionFailed", message),
        "ImageVerified": VERIFIED,
    }
    assert image["source"] == "custom"
    assert "inNightly" not in image
    assert resolution_error(plan, TimeoutError("timed out")) is None


def test_a_pinned_image_needs_no_resolution() -> None:
    ref = f"ghcr.io/acme/vllm:v1@{DIGEST}"
    plan = plan_image(_user(ref), None)
    image, conditions = image_status(plan, RuntimeError("never asked"), NOW)
    message = f'Resolved Direct vLLM image "{ref}" from custom selection.'
    assert image["resolved"] == ref
    assert image["digest"] == DIGEST
    assert conditions["ImageResolved"] == ("True", "ImageResolved", message)
    assert resolution_error(plan, RuntimeError("never asked")) is None


# --- recipe provenance ---------------------------------------------------------------------------

RECIPE = {
    "airunway.ai/recipe.features": "fp8-kv",
    "airunway.ai/generated-by": "vllm-recipe-resolver",
    "airunway.ai/recipe.id": "qwen3-0.6b",
    "airunway.ai/recipe.source": "recipes.vllm.ai",
    "airunway.ai/recipe.strategy": " tp ",
    "airunway.ai/recipe.hardware": "h100",
    "airunway.ai/recipe.variant": "",
    "airunway.ai/recipe.precision": "bf16",
    "airunway.ai/recipe.revision": "r7",
    "airunway.ai/recipe.unknown": "ignored",
}
SUMMARY = (
    "generated-by=vllm-recipe-resolver, source=recipes.vllm.ai, id=qwen3-0.6b, strategy=tp, "
    "hardware=h100, precision=bf16, revision=r7, features=fp8-kv"
)


@pytest.mark.parametrize(
    ("annotations", "summary"),
    [
        (RECIPE, SUMMARY),
        ({"airunway.ai/generated-by": "vllm-recipe-resolver"}, "generated-by=vllm-recipe-resolver"),
        ({"airunway.ai/generated-by": "someone-else"}, ""),
        ({"airunway.ai/generated-by": "x", "airunway.ai/recipe.id": "i"}, "generated-by=x, id=i"),
        ({"airunway.ai/recipe.unknown": "u"}, ""),
        ({"other": "x"}, ""),
        (None, ""),
    ],
)
def test_recipe_provenance(annotations: dict[str, str] | None, summary: str) -> None:
    assert recipe_provenance(annotations) == summary


def test_recipe_provenance_is_reported_with_the_image() -> None:
    plan = plan_image(vllm_md(annotations=RECIPE), None)
    image, conditions = image_status(plan, ResolvedImage(digest=DIGEST), NOW)
    message = (
        f'Resolved Direct vLLM image "{DEFAULT_IMAGE}" to "{PINNED}" from nightly selection. '
        f"Recipe provenance: {SUMMARY}."
    )
    assert image["message"] == message
    assert list(conditions) == [
        "RecipeResolved",
        "UnsupportedImage",
        "ImageResolved",
        "ImageVerified",
    ]
    assert conditions["RecipeResolved"] == ("True", "RecipeProvenanceResolved", SUMMARY)
    assert conditions["ImageResolved"] == ("True", "ImageResolved", message)


# --- age -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "age"),
    [
        ("2025-06-07T11:00:00Z", "3d"),
        ("2025-06-10T06:59:59Z", "5h"),
        ("2025-06-10T11:52:30.5Z", "7m"),
        ("2025-06-10T11:59:30Z", "0m"),
        ("2025-06-10T13:00:00Z", "0m"),
        ("2025-06-10T14:00:00+02:00", "0m"),
        ("2025-06-09T14:00:00+02:00", "1d"),
        ("2025-06-10T11:52:30.123456789Z", "7m"),
        ("2025-13-10T11:00:00Z", ""),
        ("2025-06-10", ""),
        ("yesterday", ""),
        ("", ""),
    ],
)
def test_image_age(created: str, age: str) -> None:
    assert image_age(created, NOW) == age
