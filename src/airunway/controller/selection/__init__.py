"""The core reconciler's pure decisions: engine and provider selection, validation, conditions.

Everything here is a function of the ModelDeployment, the listed InferenceProviderConfigs and
(for conditions) the clock; nothing reads or writes the cluster.  The reconciler calls, in the
order of controller-and-crds §3.3:

1. ``image_conflict_error(md.spec)`` (step 7),
2. ``select_engine(md, configs)`` then applies ``decision.status`` (step 8),
3. ``validate_spec(md, configs, engine, mode)`` with ``engine = md.resolved_engine_type()`` and
   ``mode = md.spec.resolved_serving_mode()``, then ``engine_selected_condition(md)`` (step 10),
4. ``provider_change_error(md)`` (step 11),
5. ``select_provider(md, configs, engine, mode)`` then applies ``decision.status`` and
   ``decision.condition`` (steps 12-13),

and records every outcome with ``set_condition``.  Selection failures raise ``SelectionError``
whose text is the exact condition message; validation returns its message or None.
"""

from airunway.api.conditions import set_condition
from airunway.controller.selection._common import (
    NO_PROVIDERS_REGISTERED,
    SelectionError,
    SelectionSource,
    has_gpu,
)
from airunway.controller.selection.cel_input import cel_input, go_json
from airunway.controller.selection.cel_rules import validate_rule
from airunway.controller.selection.engine import (
    ENGINE_PREFERENCE,
    EXPLICIT_ENGINE_MESSAGE,
    EXPLICIT_ENGINE_REASON,
    EngineDecision,
    engine_selected_condition,
    select_engine,
)
from airunway.controller.selection.provider import (
    EXPLICIT_PROVIDER_MESSAGE,
    EXPLICIT_PROVIDER_REASON,
    NO_COMPATIBLE_PROVIDER,
    NO_HEALTHY_PROVIDERS,
    ProviderCandidate,
    ProviderDecision,
    select_provider,
)
from airunway.controller.selection.validate import (
    image_conflict_error,
    is_dynamo_mocker,
    provider_change_error,
    validate_spec,
)

__all__ = [
    "ENGINE_PREFERENCE",
    "EXPLICIT_ENGINE_MESSAGE",
    "EXPLICIT_ENGINE_REASON",
    "EXPLICIT_PROVIDER_MESSAGE",
    "EXPLICIT_PROVIDER_REASON",
    "NO_COMPATIBLE_PROVIDER",
    "NO_HEALTHY_PROVIDERS",
    "NO_PROVIDERS_REGISTERED",
    "EngineDecision",
    "ProviderCandidate",
    "ProviderDecision",
    "SelectionError",
    "SelectionSource",
    "cel_input",
    "engine_selected_condition",
    "go_json",
    "has_gpu",
    "image_conflict_error",
    "is_dynamo_mocker",
    "provider_change_error",
    "select_engine",
    "select_provider",
    "set_condition",
    "validate_rule",
    "validate_spec",
]
