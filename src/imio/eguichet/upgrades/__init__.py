"""Upgrade steps of imio.eguichet:default, one sub-package per version."""
