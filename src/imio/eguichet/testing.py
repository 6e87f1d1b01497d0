"""Test layers of imio.eguichet: integration, and functional over a WSGI server."""

from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE


class ImioEguichetLayer(PloneSandboxLayer):
    """A Plone site with imio.eguichet installed."""

    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import imio.eguichet

        self.loadZCML(package=imio.eguichet)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "imio.eguichet:default")


IMIO_EGUICHET_FIXTURE = ImioEguichetLayer()

IMIO_EGUICHET_INTEGRATION_TESTING = IntegrationTesting(
    bases=(IMIO_EGUICHET_FIXTURE,),
    name="ImioEguichet:Integration",
)

IMIO_EGUICHET_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(IMIO_EGUICHET_FIXTURE, WSGI_SERVER_FIXTURE),
    name="ImioEguichet:Functional",
)
