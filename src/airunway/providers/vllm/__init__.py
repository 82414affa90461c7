"""Direct vLLM provider (``vllm``): the upstream vLLM server as a plain Deployment + Service.

No operator and no CRD: the provider renders built-in kinds only, pins its default nightly image
to a digest (``image``), and is chosen only explicitly (``spec.provider.name: vllm``).  The pure
parts are here; the runtime that applies them is shared (``airunway.providers.sdk``).
"""

from airunway.providers.vllm.config import MESSAGES, NAME, config, definition
from airunway.providers.vllm.image import (
    DEFAULT_IMAGE,
    DigestResolver,
    ImageAction,
    ImagePlan,
    ImageReport,
    ResolvedImage,
    image_status,
    plan_image,
    resolution_error,
)
from airunway.providers.vllm.status import translate
from airunway.providers.vllm.transform import check, transform

__all__ = [
    "DEFAULT_IMAGE",
    "MESSAGES",
    "NAME",
    "DigestResolver",
    "ImageAction",
    "ImagePlan",
    "ImageReport",
    "ResolvedImage",
    "check",
    "config",
    "definition",
    "image_status",
    "plan_image",
    "resolution_error",
    "transform",
    "translate",
]
