"""Test layers of the procedure library: the library site of the shipped profile."""

from imio.commune.cli.profiles import load_profile
from imio.commune.testing import IMIO_COMMUNE_FIXTURE
from pathlib import Path
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE
from Products.CMFCore.indexing import processQueue
from zope.component.hooks import setSite

import transaction


LIBRARY_PROFILE = Path(__file__).parents[4] / "profiles" / "bibliotheque.yaml"
LIBRARY_SITE_ID = "bibliotheque"


class LibraryLayer(PloneSandboxLayer):
    """The library site created from profiles/bibliotheque.yaml, as deploy does."""

    defaultBases = (IMIO_COMMUNE_FIXTURE,)

    def setUpPloneSite(self, portal):
        from plone.distribution.api import site as site_api

        app = portal.getPhysicalRoot()
        answers = load_profile(LIBRARY_PROFILE).answers
        site_api._create_site(app, "commune", answers)
        processQueue()
        setSite(None)
        transaction.commit()
        setSite(portal)


LIBRARY_FIXTURE = LibraryLayer()
LIBRARY_INTEGRATION_TESTING = IntegrationTesting(
    bases=(LIBRARY_FIXTURE,), name="ImioCommuneLibrary:Integration"
)
LIBRARY_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(LIBRARY_FIXTURE, WSGI_SERVER_FIXTURE), name="ImioCommuneLibrary:Functional"
)
