"""plone.restapi endpoints of the communal website."""
