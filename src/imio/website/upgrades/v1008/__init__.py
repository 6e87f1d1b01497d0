"""1008: Plone's toolbar for the site's editorial roles only, not for citizens."""
