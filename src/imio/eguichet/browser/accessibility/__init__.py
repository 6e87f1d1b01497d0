"""Plone's widget templates, amended where axe finds a barrier on e-guichet forms."""
