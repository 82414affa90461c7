"""Settings of the core controller process (``AIRUNWAY_CONTROLLER_*``), validated at start."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ControllerSettings(BaseSettings):
    """Everything the controller reads from its environment or command line."""

    model_config = SettingsConfigDict(env_prefix="AIRUNWAY_CONTROLLER_", extra="forbid")

    kubeconfig: Path | None = Field(
        default=None, description="Kubeconfig file; none means in-cluster or $KUBECONFIG."
    )
    namespace: str = Field(
        default="airunway-system",
        description="Namespace of the controller: its leader-election Lease and Events live here.",
    )
    identity: str = Field(
        default_factory=lambda: f"{socket.gethostname()}_{uuid.uuid4().hex[:8]}",
        description="This replica's identity in the Lease.",
    )
    leader_elect: bool = Field(default=True, description="Hold a Lease before reconciling.")
    lease_name: str = Field(default="2038fe6a.airunway.ai", description="Name of the Lease.")
    lease_duration: float = Field(default=15.0, gt=0, description="Lease duration (seconds).")
    renew_deadline: float = Field(default=10.0, gt=0, description="Step down after (seconds).")
    retry_period: float = Field(default=2.0, gt=0, description="Renew/retry period (seconds).")
    field_manager: str = Field(
        default="airunway-controller", description="Server-side apply field manager."
    )
    enable_provider_selector: bool = Field(
        default=True, description="Auto-select engine and provider when the spec does not."
    )
    heartbeat_timeout: float = Field(
        default=180.0,
        gt=0,
        description=(
            "A provider whose InferenceProviderConfig heartbeat is older than this is treated as "
            "not ready (it died without unregistering); three missed 60 s heartbeats by default."
        ),
    )
    workers: int = Field(
        default=16,
        ge=1,
        description=(
            "Concurrent reconciles (distinct objects). Reconciles mostly wait on the API server, "
            "so more workers than cores keep a burst moving."
        ),
    )
    webhook_host: str = Field(default="0.0.0.0", description="Address of the webhook server.")  # noqa: S104
    webhook_port: int = Field(default=9443, ge=0, description="Port of the webhook server; 0 off.")
    webhook_cert_dir: Path = Field(
        default=Path("/tmp/k8s-webhook-server/serving-certs"),  # noqa: S108 - reference path
        description="Directory with tls.crt and tls.key of the webhook server.",
    )
    register_webhooks_url: str | None = Field(
        default=None,
        description=(
            "Register the webhook configurations by this URL base (e.g. https://127.0.0.1:9443) "
            "with the CA in webhook_ca_file: for clusters without Service routing (dev cluster)."
        ),
    )
    manage_webhook_certs: bool = Field(
        default=False,
        description=(
            "In a real cluster: keep the serving certificate in a Secret shared by the replicas "
            "and inject its CA into the webhook configurations (which point at the Service)."
        ),
    )
    webhook_service_name: str = Field(
        default="airunway-webhook-service", description="The webhook Service (certificate DNS)."
    )
    webhook_ca_file: Path | None = Field(
        default=None, description="CA bundle to put in the webhook configurations."
    )
    webhook_process: bool = Field(
        default=True,
        description=(
            "Serve admission from a child process (its own interpreter), so reconciles never "
            "delay an admission review; false serves it from the controller's event loop."
        ),
    )
    health_port: int = Field(default=8081, ge=0, description="/healthz and /readyz; 0 off.")
    metrics_port: int = Field(default=8080, ge=0, description="/metrics; 0 off.")
    probe_host: str = Field(default="0.0.0.0", description="Address of health/metrics.")  # noqa: S104
    gateway_name: str = Field(
        default="", description="The Gateway routes attach to (with gateway_namespace)."
    )
    gateway_namespace: str = Field(default="", description="Namespace of gateway_name.")
    epp_service_port: int = Field(
        default=9002, ge=0, le=65535, description="Port of the endpoint pickers (0: 9002)."
    )
    epp_image: str = Field(
        default="registry.k8s.io/gateway-api-inference-extension/epp:v1.5.0",
        description="Default endpoint picker image.",
    )
    patch_gateway_allowed_routes: bool = Field(
        default=True,
        description="Let the Gateway's listeners admit routes from ModelDeployment namespaces.",
    )
    model_discovery: bool = Field(
        default=True, description="Ask a serving Service's /v1/models for the route model name."
    )

    @model_validator(mode="after")
    def _gateway_pair(self) -> ControllerSettings:
        if bool(self.gateway_name) != bool(self.gateway_namespace):
            msg = "--gateway-name and --gateway-namespace must both be set or both be empty"
            raise ValueError(msg)
        return self
