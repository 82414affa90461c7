"""Closed value sets of the airunway.ai/v1alpha1 spec and status fields.

They are ``StrEnum`` classes rather than ``Literal`` aliases so that callers compare against named
members (``EngineType.VLLM``) instead of repeating string literals, and so that pydantic emits each
set once as an OpenAPI ``enum`` that ``crdgen`` inlines into the CRD. Member order is the order of
the reference CRD's ``enum`` lists, which the compatibility test compares. The class docstrings
become the CRD descriptions of list items (for example ``apiFormats`` items), so they are written
for API users.
"""

from enum import StrEnum


class EngineType(StrEnum):
    """EngineType is an inference engine that a provider can run."""

    VLLM = "vllm"
    SGLANG = "sglang"
    TRTLLM = "trtllm"
    LLAMACPP = "llamacpp"


class ModelSource(StrEnum):
    """ModelSource says where the model comes from."""

    HUGGINGFACE = "huggingface"
    CUSTOM = "custom"


class ServingMode(StrEnum):
    """ServingMode defines the serving mode."""

    AGGREGATED = "aggregated"
    DISAGGREGATED = "disaggregated"


class VolumePurpose(StrEnum):
    """VolumePurpose is the intended use of a storage volume; it selects engine-aware defaults."""

    MODEL_CACHE = "modelCache"
    COMPILATION_CACHE = "compilationCache"
    CUSTOM = "custom"


class VolumeAccessMode(StrEnum):
    """VolumeAccessMode is the access mode of a controller-created PersistentVolumeClaim."""

    READ_WRITE_ONCE = "ReadWriteOnce"
    READ_WRITE_MANY = "ReadWriteMany"
    READ_ONLY_MANY = "ReadOnlyMany"
    READ_WRITE_ONCE_POD = "ReadWriteOncePod"


class APIFormat(StrEnum):
    """APIFormat is an API format an engine serves; each is one vendor's API contract."""

    OPENAI_CHAT = "openai-chat"
    OPENAI_RESPONSES = "openai-responses"
    ANTHROPIC_MESSAGES = "anthropic-messages"


class ConditionStatus(StrEnum):
    """ConditionStatus is the status of a condition: True, False or Unknown."""

    TRUE = "True"
    FALSE = "False"
    UNKNOWN = "Unknown"


#: The most API formats each engine may declare (``ValidAPIFormatsForEngine`` in the reference).
VALID_API_FORMATS_FOR_ENGINE: dict[EngineType, tuple[APIFormat, ...]] = {
    EngineType.VLLM: (
        APIFormat.OPENAI_CHAT,
        APIFormat.OPENAI_RESPONSES,
        APIFormat.ANTHROPIC_MESSAGES,
    ),
    EngineType.SGLANG: (APIFormat.OPENAI_CHAT, APIFormat.ANTHROPIC_MESSAGES),
    EngineType.TRTLLM: (APIFormat.OPENAI_CHAT, APIFormat.OPENAI_RESPONSES),
    EngineType.LLAMACPP: (APIFormat.OPENAI_CHAT,),
}
