"""REST services of the e-guichet (plone.restapi), one folder per endpoint."""
