"""Plone's own templates, amended where axe finds a barrier, on the whole site."""
