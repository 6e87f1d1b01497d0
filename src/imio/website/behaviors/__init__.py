"""Behaviors that extend Plone's own types for communal websites."""
