"""The core controller: admission, engine and provider selection, status, lifecycle.

Pure decision logic lives in plain modules (``admission``, ``selection``,
``compatibility``) so it is tested without a cluster; the kopf handlers and the webhook server are
thin adapters over it, and every Kubernetes call goes through :mod:`airunway.kube`.
"""
