"""Core controller benchmark."""
