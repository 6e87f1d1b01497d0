"""Upgrade steps of imio.website, one sub-package per profile version."""
