"""Who may send a form: anyone, a signed-in citizen, or one signed in with eID or
itsme; a sender below the form's level is refused before its answers are read."""

from imio.eguichet.cases import check_may_submit
from imio.eguichet.cases import SignInNeeded
from imio.eguichet.cases import SubmissionRefused
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.identity import LEVEL_HIGH
from imio.eguichet.identity import LEVEL_SIGNED_IN
from imio.eguichet.identity import sign_in
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.tests.library_helpers import citizen_cookies
from imio.eguichet.tests.library_helpers import MARIE
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD

import requests
import transaction
import unittest


VALID = {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"}
# Invalid answers: a refused sender must not learn what is wrong with them.
INVALID = {"email": "pas-une-adresse"}
EID = 450  # the identity card's level at FAS
SECURITY_CODES = 300  # codes by app or SMS: signed in, below "high"


class TestSubmitLevels(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.high = add_form(self.portal, form_id="high", submitters="citizens_high")
        self.signed_in = add_form(self.portal, form_id="signed", submitters="citizens")
        logout()
        transaction.commit()

    def post(self, form, payload, **kwargs):
        return requests.post(
            f"{form.absolute_url()}/++api++/@submit",
            json=payload,
            headers={"Accept": "application/json", "Accept-Language": "fr"},
            timeout=60,
            **kwargs,
        )

    def session_at(self, level: int) -> dict:
        cookies = citizen_cookies(self.layer["request"], MARIE, level)
        transaction.commit()
        return cookies

    def count_cases(self) -> int:
        transaction.begin()
        return len(get_cases_folder(self.portal))

    def assertRefused(self, response, status: int, message: str):
        self.assertEqual(response.status_code, status, response.text)
        self.assertEqual(response.json()["message"], message)
        self.assertNotIn("errors", response.json())

    def test_anonymous_is_asked_to_sign_in_with_eid_or_itsme(self):
        before = self.count_cases()
        self.assertRefused(
            self.post(self.high, INVALID),
            401,
            "Veuillez vous connecter avec votre carte d'identité (eID) ou itsme "
            "pour envoyer ce formulaire.",
        )
        self.assertRefused(
            self.post(self.signed_in, INVALID),
            401,
            "Veuillez vous connecter pour envoyer ce formulaire.",
        )
        self.assertEqual(self.count_cases(), before)

    def test_a_session_below_the_level_is_refused_before_the_fields(self):
        cookies = self.session_at(SECURITY_CODES)
        before = self.count_cases()
        self.assertRefused(
            self.post(self.high, INVALID, cookies=cookies),
            403,
            "Ce formulaire demande une connexion avec votre carte d'identité (eID) "
            "ou itsme : veuillez vous reconnecter avec l'une d'elles.",
        )
        self.assertEqual(self.count_cases(), before)
        # Enough for a form that asks for any sign-in.
        response = self.post(self.signed_in, VALID, cookies=cookies)
        self.assertEqual(response.status_code, 201, response.text)

    def test_a_plone_account_is_no_citizen_signed_in_with_eid(self):
        auth = (TEST_USER_NAME, TEST_USER_PASSWORD)
        self.assertEqual(self.post(self.high, INVALID, auth=auth).status_code, 403)
        response = self.post(self.signed_in, VALID, auth=auth)
        self.assertEqual(response.status_code, 201, response.text)

    def test_eid_or_itsme_may_send(self):
        for level in (LEVEL_HIGH, EID):
            with self.subTest(level=level):
                cookies = self.session_at(level)
                refused = self.post(self.high, INVALID, cookies=cookies)
                self.assertEqual(refused.status_code, 400)
                self.assertIn("email", refused.json()["errors"])
                sent = self.post(self.high, VALID, cookies=cookies)
                self.assertEqual(sent.status_code, 201, sent.text)
                self.assertNotIn("access_code", sent.json())


class TestCheckMaySubmit(unittest.TestCase):
    """The web form's action refuses as @submit does."""

    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal, submitters="citizens_high")
        logout()

    def refusal(self):
        try:
            check_may_submit(self.form)
        except SubmissionRefused as refusal:
            return type(refusal)
        return None

    def test_refusals(self):
        self.assertIs(self.refusal(), SignInNeeded)
        sign_in(self.request, MARIE, LEVEL_SIGNED_IN)
        self.assertIs(self.refusal(), SubmissionRefused)
        sign_in(self.request, MARIE, LEVEL_HIGH)
        self.assertIsNone(self.refusal())
        login(self.portal, TEST_USER_NAME)
        self.assertIs(self.refusal(), SubmissionRefused)
