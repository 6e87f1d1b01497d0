"""Test layers of imio.commune: a site created by the ``commune`` distribution."""

from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from plone.testing.zope import WSGI_SERVER_FIXTURE
from zope.component.hooks import setSite


COMMUNE_SITE_ID = "gesves"
COMMUNE_ANSWERS = {
    "site_id": COMMUNE_SITE_ID,
    "title": "Commune de Gesves",
    "refnis": "92054",
    "default_language": "fr",
    "portal_timezone": "Europe/Brussels",
    "setup_content": False,
}


class CommuneLayer(PloneSandboxLayer):
    """A commune site created as an operator would, through the distribution.

    It lives beside plone.app.testing's own site, at ``app["gesves"]``: the
    layer shares PLONE_FIXTURE with the other packages' layers, so the test
    run sets Zope's products up once.
    """

    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import imio.commune

        self.loadZCML(package=imio.commune)

    def setUpPloneSite(self, portal):
        from plone.distribution.api import site as site_api

        app = portal.getPhysicalRoot()
        site = site_api._create_site(app, "commune", dict(COMMUNE_ANSWERS))
        users = site["acl_users"]
        users.source_users.addUser(TEST_USER_ID, TEST_USER_NAME, TEST_USER_PASSWORD)
        users.portal_role_manager.doAssignRoleToPrincipal(TEST_USER_ID, "Member")
        setSite(portal)


IMIO_COMMUNE_FIXTURE = CommuneLayer()

IMIO_COMMUNE_INTEGRATION_TESTING = IntegrationTesting(
    bases=(IMIO_COMMUNE_FIXTURE,),
    name="ImioCommune:Integration",
)

IMIO_COMMUNE_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(IMIO_COMMUNE_FIXTURE, WSGI_SERVER_FIXTURE),
    name="ImioCommune:Functional",
)
