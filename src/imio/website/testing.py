"""Test layers of imio.website: integration, and functional over a WSGI server."""

from plone import api
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE


class ImioWebsiteLayer(PloneSandboxLayer):
    """A Plone site with imio.website installed."""

    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import imio.website

        self.loadZCML(package=imio.website)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "imio.website:default")
        # A Plone site created through the web publishes with this workflow.
        portal.portal_workflow.setDefaultChain("simple_publication_workflow")
        # Commune sites are French by default.
        api.portal.set_registry_record("plone.default_language", "fr")
        api.portal.set_registry_record("plone.available_languages", ["fr", "de"])


IMIO_WEBSITE_FIXTURE = ImioWebsiteLayer()

IMIO_WEBSITE_INTEGRATION_TESTING = IntegrationTesting(
    bases=(IMIO_WEBSITE_FIXTURE,),
    name="ImioWebsite:Integration",
)

IMIO_WEBSITE_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(IMIO_WEBSITE_FIXTURE, WSGI_SERVER_FIXTURE),
    name="ImioWebsite:Functional",
)
