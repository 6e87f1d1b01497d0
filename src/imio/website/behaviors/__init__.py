"""Behaviors that extend Plone's own types for communal websites."""

# plone.app.event's recurrence field refuses an interval of 0 from now on.
from imio.website import recurrence  # noqa: F401
