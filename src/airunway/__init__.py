"""AI Runway: deploy and run LLM inference on Kubernetes from one custom resource."""

__version__ = "0.1.0"
