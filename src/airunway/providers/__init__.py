"""Provider controllers: one package per provider over one SDK.

Each provider package has the same shape: ``config.py`` (its InferenceProviderConfig),
``transform.py`` (pure: ModelDeployment in, manifests out), ``status.py`` (pure: upstream object
in, ModelDeployment status out) and a thin ``controller.py``.  Everything they share lives once
in :mod:`airunway.providers.sdk`.
"""
