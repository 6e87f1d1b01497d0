"""A signed-in citizen makes a request they sent without signing in theirs,
with its reference and access code, from Mes démarches."""

from collective.easyform.api import get_schema
from imio.eguichet.browser.follow import FOLLOW_ATTEMPTS
from imio.eguichet.cases import create_case
from imio.eguichet.identity import LEVEL_SIGNED_IN
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.tests.library_helpers import citizen_cookies
from imio.eguichet.tests.library_helpers import JULIEN
from imio.eguichet.tests.library_helpers import MARIE
from lxml import html
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import re
import requests
import transaction
import unittest


AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')
NO_MATCH = (
    "Aucune demande envoyée sans connexion ne correspond à cette référence et à ce "
    "code d'accès. Vérifiez-les dans l'e-mail de confirmation."
)


class TestClaim(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(self.portal)
        logout()
        # Sent by Marie before she could sign in.
        self.case, self.code = create_case(
            form,
            get_schema(form),
            {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"},
        )
        self.reference = self.case.formatted_reference()
        self.url = f"{self.portal.absolute_url()}/@@mes-demarches"
        self.marie = self.browser(MARIE)
        self.julien = self.browser(JULIEN)
        FOLLOW_ATTEMPTS.reset()

    def tearDown(self):
        FOLLOW_ATTEMPTS.reset()

    def browser(self, claims):
        session = requests.Session()
        session.cookies.update(
            citizen_cookies(self.layer["request"], claims, LEVEL_SIGNED_IN)
        )
        transaction.commit()
        self.addCleanup(session.close)
        return session

    def claim(self, session, reference, code, token=True):
        data = {"reference": reference, "access_code": code, "claim": "1"}
        if token:
            page = session.get(self.url, timeout=30)
            data["_authenticator"] = AUTHENTICATOR.search(page.text).group(1)
        return session.post(self.url, data=data, timeout=30)

    def listed(self, session) -> list[str]:
        page = session.get(self.url, timeout=30)
        return [
            link.text_content().strip()
            for link in html.fromstring(page.text).xpath("//a[@class='case-reference']")
        ]

    def error(self, page) -> str:
        found = html.fromstring(page.text).xpath("//*[@id='claim-error']")
        return " ".join(found[0].text_content().split()) if found else ""

    def stored_case(self):
        transaction.begin()
        return self.portal["demandes"][self.case.getId()]

    def test_the_claimed_request_is_listed_and_the_code_is_no_longer_needed(self):
        self.assertEqual(self.listed(self.marie), [])
        claimed = self.claim(self.marie, self.reference.lower(), self.code)
        self.assertEqual(claimed.status_code, 200)
        self.assertIn(
            f"La demande {self.reference} fait désormais partie de vos démarches.",
            claimed.text,
        )
        self.assertEqual(self.listed(self.marie), [self.reference])
        case = self.stored_case()
        self.assertEqual(case.applicant_id, MARIE["sub"])
        owners = [p for p, roles in case.get_local_roles() if "Owner" in roles]
        self.assertEqual(owners, [MARIE["sub"]])
        self.assertFalse(case.check_access_code(self.code))
        # She opens it as her own, as if she had sent it signed in.
        page = self.marie.get(case.absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)

    def test_another_citizen_cannot_claim_it_afterwards(self):
        self.claim(self.marie, self.reference, self.code)
        refused = self.claim(self.julien, self.reference, self.code)
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(self.error(refused), NO_MATCH)
        self.assertEqual(self.listed(self.julien), [])
        self.assertEqual(self.stored_case().applicant_id, MARIE["sub"])

    def test_a_wrong_code_changes_nothing(self):
        refused = self.claim(self.marie, self.reference, "ABCDEFGHJK")
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(self.error(refused), NO_MATCH)
        # What she typed stays, the code does not.
        form = html.fromstring(refused.text).xpath("//form[@id='claim-form']")[0]
        self.assertEqual(
            form.xpath(".//input[@name='reference']")[0].value, self.reference
        )
        self.assertFalse(form.xpath(".//input[@name='access_code']")[0].value)
        case = self.stored_case()
        self.assertIsNone(case.applicant_id)
        self.assertTrue(case.check_access_code(self.code))
        self.assertEqual(self.listed(self.marie), [])

    def test_without_the_pages_token_nothing_changes(self):
        refused = self.claim(self.marie, self.reference, self.code, token=False)
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(
            self.error(refused),
            "La page a expiré. Veuillez envoyer à nouveau le formulaire.",
        )
        self.assertIsNone(self.stored_case().applicant_id)

    def test_attempts_are_limited_as_on_the_follow_up_page(self):
        for _attempt in range(10):
            self.claim(self.marie, self.reference, "ABCDEFGHJK")
        refused = self.claim(self.marie, self.reference, self.code)
        self.assertEqual(refused.status_code, 429)
        self.assertIn("Trop de tentatives depuis votre connexion", self.error(refused))
        self.assertIsNone(self.stored_case().applicant_id)
