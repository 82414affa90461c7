"""What every provider shares: rendering helpers, status sync, registration, the reconcile loop.

Pure parts (``render``, ``overrides``, ``status``, ``registration`` builders) import nothing
that does I/O, so a provider's transform and status mapping stay pure too.
"""
