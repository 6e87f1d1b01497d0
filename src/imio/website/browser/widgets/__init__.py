"""Plone's form widgets, their words translated on commune sites."""
