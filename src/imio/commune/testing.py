"""Test layers of imio.commune: a site created by the ``commune`` distribution."""

from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing.interfaces import PLONE_SITE_ID
from plone.distribution.testing import PloneDistributionFixture
from plone.testing.zope import WSGI_SERVER_FIXTURE


COMMUNE_ANSWERS = {
    "site_id": PLONE_SITE_ID,
    "title": "Commune de Gesves",
    "refnis": "92054",
    "default_language": "fr",
    "portal_timezone": "Europe/Brussels",
    "setup_content": False,
}


class CommuneFixture(PloneDistributionFixture):
    """A commune site created as an operator would, through the distribution."""

    PACKAGE_NAME = "imio.commune"
    SITES = (("commune", COMMUNE_ANSWERS),)


IMIO_COMMUNE_FIXTURE = CommuneFixture()

IMIO_COMMUNE_INTEGRATION_TESTING = IntegrationTesting(
    bases=(IMIO_COMMUNE_FIXTURE,),
    name="ImioCommune:Integration",
)

IMIO_COMMUNE_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(IMIO_COMMUNE_FIXTURE, WSGI_SERVER_FIXTURE),
    name="ImioCommune:Functional",
)
