"""The header's "Se déconnecter" ends a citizen's session at the provider too."""

from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.eguichet.identity import LEVEL_SIGNED_IN
from imio.eguichet.identity import sign_in
from imio.eguichet.interfaces import IImioEguichetLayer
from imio.website.interfaces import IImioWebsiteLayer
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from zope.component.hooks import setSite
from zope.interface import alsoProvides

import lxml.html
import unittest


JURGEN = {
    "sub": "fas-jurgen",
    "given_name": "Jürgen",
    "family_name": "Müller",
    "email": "juergen.mueller@example.org",
    "language": "de",
    "national_number": "90010107843",
}


class TestSignOutLink(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.request = self.layer["request"]
        alsoProvides(self.request, IImioWebsiteLayer, IImioEguichetLayer)

    def sign_out_link(self) -> tuple[str, str]:
        page = lxml.html.fromstring(self.site.restrictedTraverse("@@search")())
        [name] = page.cssselect("header .site-account-name")
        [link] = page.xpath(
            "//header//li[@class='site-account-name']/following-sibling::li[1]/a"
        )
        return name.text, link.get("href")

    def test_a_citizen_signs_out_at_the_provider_too(self):
        logout()
        sign_in(self.request, JURGEN, LEVEL_SIGNED_IN)
        self.assertEqual(
            self.sign_out_link(),
            ("Jürgen Müller", "http://nohost/gesves/@@citizen-logout"),
        )

    def test_a_plone_account_signs_out_with_plone(self):
        api.user.create(
            username="agent", email="agent@gesves.be", properties={"fullname": "Luc"}
        )
        login(self.site, "agent")
        self.assertEqual(self.sign_out_link(), ("Luc", "http://nohost/gesves/logout"))
