"""The web UI benchmark's Python side: the stack it measures."""
