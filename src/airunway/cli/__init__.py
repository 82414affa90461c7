"""The ``airunway`` command: one entry point, sub-commands per area (``dev`` today)."""
