"""Names, keys, condition vocabulary and limits of the airunway.ai API.

Everything the controller, the providers, the backend and the tests must spell identically lives
here, once, next to the models: the API group and version, kinds and plurals, the annotation and
label keys other components read or write, the provider finalizer pattern, the condition types and
reasons, the phases, and the admission ceilings. Condition types, reasons and phases are
``StrEnum`` classes so that they compare equal to the plain strings found in a live object. The
values are the reference implementation's exact strings (shared/spec/controller-and-crds.md
sections 1, 2.4, 3.7 and 4.11); changing one is an API change.
"""

from enum import StrEnum
from typing import Final

GROUP: Final = "airunway.ai"
VERSION: Final = "v1alpha1"
API_VERSION: Final = "airunway.ai/v1alpha1"

MODEL_DEPLOYMENT_KIND: Final = "ModelDeployment"
MODEL_DEPLOYMENT_LIST_KIND: Final = "ModelDeploymentList"
MODEL_DEPLOYMENT_PLURAL: Final = "modeldeployments"
MODEL_DEPLOYMENT_SINGULAR: Final = "modeldeployment"

INFERENCE_PROVIDER_CONFIG_KIND: Final = "InferenceProviderConfig"
INFERENCE_PROVIDER_CONFIG_LIST_KIND: Final = "InferenceProviderConfigList"
INFERENCE_PROVIDER_CONFIG_PLURAL: Final = "inferenceproviderconfigs"
INFERENCE_PROVIDER_CONFIG_SINGULAR: Final = "inferenceproviderconfig"

# --- finalizers -----------------------------------------------------------------------------
# The core controller adds no finalizer; each provider shim owns its own, built from this.
PROVIDER_FINALIZER_TEMPLATE: Final = "airunway.ai/{provider}-provider"


def provider_finalizer(provider: str) -> str:
    """Return the finalizer a provider shim puts on the ModelDeployments it serves.

    Parameters
    ----------
    provider
        The provider name, equal to its InferenceProviderConfig name (for example ``dynamo``).

    Returns
    -------
    str
        ``airunway.ai/<provider>-provider``.
    """
    return PROVIDER_FINALIZER_TEMPLATE.format(provider=provider)


# --- ModelDeployment annotations --------------------------------------------------------------
ANNOTATION_HTTPROUTE_CREATED: Final = "airunway.ai/httproute-created"
ANNOTATION_BBR_RESTARTED: Final = "airunway.ai/bbr-restarted"
ANNOTATION_RECONCILE_PAUSED: Final = "airunway.ai/reconcile-paused"
ANNOTATION_DYNAMO_TEST_BACKEND: Final = "airunway.ai/dynamo-test-backend"
DYNAMO_TEST_BACKEND_MOCKER: Final = "mocker"

# --- Gateway and body-based-router keys --------------------------------------------------------
LABEL_INFERENCE_GATEWAY: Final = "airunway.ai/inference-gateway"
ANNOTATION_BBR_NAMESPACE: Final = "airunway.ai/bbr-namespace"
ANNOTATION_RESTARTED_AT: Final = "airunway.ai/restartedAt"

#: Field selector of the selected provider (a CRD ``selectableFields`` entry): a provider's
#: watch asks the API server for its own ModelDeployments only.
SELECTED_PROVIDER_FIELD: Final = "status.provider.name"

# --- labels on objects created for a ModelDeployment ------------------------------------------
LABEL_MODEL_DEPLOYMENT: Final = "airunway.ai/model-deployment"
LABEL_MANAGED_BY: Final = "airunway.ai/managed-by"
MANAGED_BY_VALUE: Final = "airunway"
LABEL_JOB_TYPE: Final = "airunway.ai/job-type"

# --- InferenceProviderConfig annotations (written by provider shims) --------------------------
ANNOTATION_DISPLAY_NAME: Final = "airunway.ai/display-name"
ANNOTATION_DESCRIPTION: Final = "airunway.ai/description"
ANNOTATION_DEFAULT_NAMESPACE: Final = "airunway.ai/default-namespace"
ANNOTATION_DOCUMENTATION_URL: Final = "airunway.ai/documentation-url"
ANNOTATION_DOCUMENTATION: Final = "airunway.ai/documentation"  # legacy key, same value as the URL
ANNOTATION_CAPABILITIES: Final = "airunway.ai/capabilities"
ANNOTATION_HEALTH: Final = "airunway.ai/health"
ANNOTATION_INSTALLATION: Final = "airunway.ai/installation"

# --- defaults and admission ceilings --------------------------------------------------------------
DEFAULT_GPU_RESOURCE: Final = "nvidia.com/gpu"
DEFAULT_MODEL_CACHE_MOUNT_PATH: Final = "/model-cache"
DEFAULT_COMPILATION_CACHE_MOUNT_PATH: Final = "/compilation-cache"
HUGGING_FACE_TOKEN_KEY: Final = "HF_TOKEN"  # noqa: S105 -- a Secret key name, not a secret
MAX_STORAGE_VOLUMES: Final = 8
MAX_GPU_COUNT: Final = 64
MAX_REPLICAS: Final = 32
MAX_CPU: Final = "512"
MAX_MEMORY: Final = "4Ti"
SYSTEM_MOUNT_PATHS: Final = ("/dev", "/proc", "/sys", "/etc", "/var/run")


class DeploymentPhase(StrEnum):
    """DeploymentPhase is the lifecycle phase of a ModelDeployment."""

    PENDING = "Pending"
    DEPLOYING = "Deploying"
    RUNNING = "Running"
    FAILED = "Failed"
    TERMINATING = "Terminating"


class ConditionType(StrEnum):
    """Condition types a ModelDeployment can carry.

    ``NIGHTLY_AVAILABLE`` and ``HARDWARE_COMPATIBLE`` are declared by the reference but set by no
    component; they are kept so that objects written by the reference parse and compare.
    """

    # set by the core controller
    VALIDATED = "Validated"
    ENGINE_SELECTED = "EngineSelected"
    PROVIDER_SELECTED = "ProviderSelected"
    GATEWAY_READY = "GatewayReady"
    # set by the core on an image conflict, by the direct vLLM provider otherwise
    IMAGE_RESOLVED = "ImageResolved"
    # set by providers
    PROVIDER_COMPATIBLE = "ProviderCompatible"
    RESOURCE_CREATED = "ResourceCreated"
    READY = "Ready"
    STORAGE_READY = "StorageReady"
    MODEL_DOWNLOADED = "ModelDownloaded"
    IMAGE_VERIFIED = "ImageVerified"
    UNSUPPORTED_IMAGE = "UnsupportedImage"
    RECIPE_RESOLVED = "RecipeResolved"
    # declared, never set
    NIGHTLY_AVAILABLE = "NightlyAvailable"
    HARDWARE_COMPATIBLE = "HardwareCompatible"


class ConditionReason(StrEnum):
    """Condition reasons the core controller writes (providers add their own)."""

    VALIDATION_PASSED = "ValidationPassed"
    VALIDATION_FAILED = "ValidationFailed"
    EXPLICIT_SELECTION = "ExplicitSelection"
    AUTO_SELECTED = "AutoSelected"
    SELECTION_FAILED = "SelectionFailed"
    NO_PROVIDER = "NoProvider"
    PROVIDER_CHANGE_NOT_SUPPORTED = "ProviderChangeNotSupported"
    CONFLICTING_IMAGE_FIELDS = "ConflictingImageFields"
    GATEWAY_CONFIGURED = "GatewayConfigured"
    CRDS_NOT_AVAILABLE = "CRDsNotAvailable"
    NO_GATEWAY = "NoGateway"
    GATEWAY_PATCH_FAILED = "GatewayPatchFailed"
    INFERENCE_POOL_FAILED = "InferencePoolFailed"
    EPP_FAILED = "EPPFailed"
    HTTPROUTE_FAILED = "HTTPRouteFailed"
    GATEWAY_DISABLED = "GatewayDisabled"
