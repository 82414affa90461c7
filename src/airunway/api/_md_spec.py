"""ModelDeployment spec parts other than ``model``: engine, serving, scaling, resources and more.

The rest are provider, secrets, gateway and pod template. Each reference Go struct becomes one
model with the same JSON names, schema defaults and constraints. Fields that the reference
declares with a schema default (``enablePrefixCaching``, ``gpu.count``, ``replicas``...) carry
that default here so the CRD gets the same ``default``; every other field is optional and absent
by default, so a parsed manifest dumps back to what the user wrote. The admission ceilings that
the CRD can check itself are CEL rules from ``cel``.
"""

from typing import Any

from pydantic import Field, StrictBool, StrictStr

from airunway.api import cel
from airunway.api._base import Int32, NonNegativeInt32, StrictModel
from airunway.api.constants import DEFAULT_GPU_RESOURCE
from airunway.api.enums import EngineType, ServingMode


class EngineSpec(StrictModel):
    """EngineSpec configures the inference engine."""

    type: EngineType | None = Field(
        default=None,
        description=(
            "type is the inference engine type.\n"
            "If not specified, the controller auto-selects one from provider capabilities "
            "(see status.engine.type). Cannot be changed once set."
        ),
    )
    image: StrictStr | None = Field(
        default=None,
        description=(
            "image is an engine-specific container image override (preferred over spec.image). "
            "For direct vLLM deployments this is the vLLM OpenAI-compatible server image."
        ),
    )
    context_length: Int32 | None = Field(
        default=None,
        description=(
            "contextLength is the maximum context length.\n"
            "Maps to engine-specific flags (--max-model-len for vllm, etc.); ignored for trtllm."
        ),
    )
    trust_remote_code: StrictBool = Field(
        default=False,
        description=(
            "trustRemoteCode allows execution of remote code from HuggingFace.\n"
            "Only applicable for vllm and sglang engines."
        ),
    )
    enable_prefix_caching: StrictBool = Field(
        default=True,
        description=(
            "enablePrefixCaching enables prefix caching for faster inference on repeated "
            "prompts; KV-cache-aware routing needs it.\n"
            "Only applicable for vllm and sglang engines."
        ),
    )
    enforce_eager: StrictBool = Field(
        default=False,
        description=(
            "enforceEager forces eager execution mode (disables CUDA graphs).\n"
            "Only applicable for vllm and sglang engines."
        ),
    )
    args: dict[str, StrictStr] | None = Field(
        default=None,
        description=(
            "args contains engine-specific arguments passed to the engine as --key=value.\n"
            "A key must not also appear as a flag in extraArgs."
        ),
    )
    extra_args: list[StrictStr] | None = Field(
        default=None,
        description=(
            "extraArgs contains additional raw engine flags, for flags that do not have a "
            "structured field or map representation yet."
        ),
    )


class ServingSpec(StrictModel):
    """ServingSpec selects aggregated or disaggregated (prefill/decode) serving."""

    mode: ServingMode = Field(
        default=ServingMode.AGGREGATED,
        description="mode is the serving mode (aggregated or disaggregated). Immutable.",
    )


class GPUSpec(StrictModel):
    """GPUSpec defines GPU requirements."""

    count: NonNegativeInt32 = Field(
        default=0,
        description="count is the number of GPUs (at most 64).",
        json_schema_extra=cel.validations(cel.GPU_COUNT_CEILING),
    )
    type: StrictStr = Field(
        default=DEFAULT_GPU_RESOURCE,
        description=(
            "type is the GPU resource name (defaults to nvidia.com/gpu).\n"
            "Override for AMD/Intel GPUs."
        ),
    )


class ComponentScalingSpec(StrictModel):
    """ComponentScalingSpec sizes one component (prefill or decode) in disaggregated mode."""

    replicas: NonNegativeInt32 = Field(
        default=1,
        description="replicas is the number of replicas for this component (at most 32).",
        json_schema_extra=cel.validations(cel.REPLICAS_CEILING),
    )
    gpu: GPUSpec | None = Field(
        default=None,
        description=(
            "gpu defines GPU requirements for this component.\n"
            "Required (with count > 0) for disaggregated mode."
        ),
    )
    memory: StrictStr | None = Field(
        default=None,
        description="memory is the memory requirement for this component (at most 4Ti).",
        json_schema_extra=cel.validations(*cel.MEMORY_RULES),
    )


class ScalingSpec(StrictModel):
    """ScalingSpec defines replica counts."""

    replicas: NonNegativeInt32 = Field(
        default=1,
        description="replicas is the number of replicas for aggregated mode (at most 32).",
        json_schema_extra=cel.validations(cel.REPLICAS_CEILING),
    )
    prefill: ComponentScalingSpec | None = Field(
        default=None,
        description="prefill defines prefill worker configuration for disaggregated mode.",
    )
    decode: ComponentScalingSpec | None = Field(
        default=None,
        description="decode defines decode worker configuration for disaggregated mode.",
    )


class ResourceSpec(StrictModel):
    """ResourceSpec defines the resources of one replica in aggregated mode."""

    gpu: GPUSpec | None = Field(default=None, description="gpu defines GPU requirements.")
    memory: StrictStr | None = Field(
        default=None,
        description='memory is the memory requirement (e.g., "32Gi"; at most 4Ti).',
        json_schema_extra=cel.validations(*cel.MEMORY_RULES),
    )
    cpu: StrictStr | None = Field(
        default=None,
        description='cpu is the CPU requirement (e.g., "4"; at most 512).',
        json_schema_extra=cel.validations(*cel.CPU_RULES),
    )


class ProviderSpec(StrictModel):
    """ProviderSpec selects the provider that deploys the model."""

    name: StrictStr | None = Field(
        default=None,
        description=(
            "name is the provider name, equal to its InferenceProviderConfig name (e.g., "
            "dynamo, kaito, kuberay, llmd, vllm).\n"
            "If not specified, the provider selector chooses one. Cannot be changed once a "
            "provider is set or selected."
        ),
    )
    overrides: dict[str, Any] | None = Field(
        default=None,
        description=(
            "overrides contains provider-specific configuration merged into the rendered "
            "resource.\nAn escape hatch for provider-specific features; security-sensitive "
            "keys and replicas/resources are rejected at admission."
        ),
        json_schema_extra={"x-kubernetes-preserve-unknown-fields": True},
    )


class SecretSpec(StrictModel):
    """SecretSpec references Secrets the deployment needs."""

    hugging_face_token: StrictStr | None = Field(
        default=None,
        description=("huggingFaceToken is the name of the Kubernetes Secret containing HF_TOKEN."),
    )


class GatewaySpec(StrictModel):
    """GatewaySpec configures the Gateway API Inference Extension integration."""

    enabled: StrictBool | None = Field(
        default=None,
        description=(
            "enabled controls whether an InferencePool and HTTPRoute are created for this "
            "model.\nDefaults to true when the Gateway API Inference Extension is detected."
        ),
    )
    model_name: StrictStr | None = Field(
        default=None,
        description=(
            "modelName overrides the model name used in HTTPRoute routing.\n"
            "Defaults to spec.model.servedName or spec.model.id."
        ),
    )
    http_route_ref: StrictStr | None = Field(
        default=None,
        description=(
            "httpRouteRef names an existing HTTPRoute in the same namespace to use instead of "
            "creating one; the controller then never creates or deletes the route."
        ),
    )


class PodTemplateMetadata(StrictModel):
    """PodTemplateMetadata holds labels and annotations for created pods."""

    labels: dict[str, StrictStr] | None = Field(
        default=None, description="labels are labels to add to created pods."
    )
    annotations: dict[str, StrictStr] | None = Field(
        default=None, description="annotations are annotations to add to created pods."
    )


class PodTemplateSpec(StrictModel):
    """PodTemplateSpec customizes the pods created for the deployment."""

    metadata: PodTemplateMetadata | None = Field(
        default=None, description="metadata defines labels and annotations for created pods."
    )
