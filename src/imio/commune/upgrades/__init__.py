"""Upgrade steps of the commune policy profile, one sub-package per version."""
