"""Plone's own templates, amended where axe finds a barrier."""
