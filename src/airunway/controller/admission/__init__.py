"""Admission for ModelDeployments: the pure logic of the mutating and validating webhooks.

Why this shape: the rules (spec controller-and-crds §2) are API behaviour with exact messages,
so they live apart from the webhook server as pure functions over plain data, testable without a
cluster. The server calls ``default_model_deployment`` for the mutating webhook and
``validate_create``/``validate_update`` for the validating one, injecting a ``ProviderLookup``
for the one rule (V9) that needs another object. Each concern has its own module; this package
re-exports what the server and other components use.
"""

from airunway.controller.admission.defaults import DefaultingResult, default_model_deployment
from airunway.controller.admission.field_errors import (
    VALIDATING_WEBHOOK_NAME,
    ErrorType,
    FieldError,
    aggregate_message,
    denial_message,
)
from airunway.controller.admission.provider import (
    LookupOutcome,
    ProviderLookup,
    ProviderLookupResult,
    fallback,
    issue_error,
    prefetched,
    provider_to_verify,
)
from airunway.controller.admission.quantity import QuantityError, parse_quantity
from airunway.controller.admission.spec_rules import engine_args_error, image_fields_error
from airunway.controller.admission.validation import (
    AdmissionInput,
    AdmissionResult,
    validate_create,
    validate_update,
)

__all__ = [
    "VALIDATING_WEBHOOK_NAME",
    "AdmissionInput",
    "AdmissionResult",
    "DefaultingResult",
    "ErrorType",
    "FieldError",
    "LookupOutcome",
    "ProviderLookup",
    "ProviderLookupResult",
    "QuantityError",
    "aggregate_message",
    "default_model_deployment",
    "denial_message",
    "engine_args_error",
    "fallback",
    "image_fields_error",
    "issue_error",
    "parse_quantity",
    "prefetched",
    "provider_to_verify",
    "validate_create",
    "validate_update",
]
