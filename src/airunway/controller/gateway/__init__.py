"""Gateway API Inference Extension integration of the core controller (spec §4).

``render`` and ``rules`` are pure (the objects and the decisions), ``result`` is what the
reconcile hands to the pure status decision, ``detect`` and ``reconcile`` do the API calls.
"""
