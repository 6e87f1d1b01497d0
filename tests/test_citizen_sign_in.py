"""Citizens sign in with the real OpenID provider process, as with FAS."""

from base64 import urlsafe_b64decode
from base64 import urlsafe_b64encode
from authlib.integrations.requests_client import OAuth2Session
from datetime import datetime
from imio.belgium.testing import at
from imio.belgium.testing import BRUSSELS
from imio.eguichet.identity import national_number
from plone import api
from imio.eguichet.identity import oidc
from imio.eguichet.identity.session import COOKIE_NAME
from imio.eguichet.identity.session import decode
from imio.eguichet.identity.session import SIGN_IN_COOKIE_NAME
from imio.eguichet.identity.settings import DEFAULT_SCOPES
from oidc_provider import CITIZEN_SIGN_IN_FUNCTIONAL
from oidc_provider import CLIENT_ID
from oidc_provider import CLIENT_SECRET
from oidc_provider import LEVEL
from oidc_provider import OTHER_CLIENT_ID
from oidc_provider import OTHER_CLIENT_SECRET
from test_oidc_provider import Forms
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit

import io
import json
import logging
import lxml.html
import requests
import secrets
import transaction
from unittest import mock
import unittest


MARIE_NRN = "85041212369"
UNAVAILABLE_LEVEL = "Ce niveau de connexion n\u2019est pas disponible."
HIGH_LEVEL_NEEDED = (
    "Cette démarche demande une connexion avec votre carte d'identité électronique"
)
REFUSED = "La réponse du service d'authentification n'a pas pu être vérifiée"


def shown(response, *xpaths) -> list[str]:
    """The text of the first element of each XPath in an HTML page."""
    page = lxml.html.fromstring(response.text)
    return [page.xpath(xpath)[0].text_content().strip() for xpath in xpaths]


class CitizenSignInTestCase(unittest.TestCase):
    layer = CITIZEN_SIGN_IN_FUNCTIONAL

    def setUp(self):
        self.provider = self.layer["oidc_provider"]
        self.portal_url = (
            self
            .layer["portal"]
            .absolute_url()
            .replace(
                "http://nohost", f"http://{self.layer['host']}:{self.layer['port']}"
            )
        )
        self.browser = requests.Session()
        # Everything logged while a test runs: neither tokens nor national
        # numbers may be in it.
        self.log = io.StringIO()
        self.handler = logging.StreamHandler(self.log)
        logging.getLogger().addHandler(self.handler)

    def tearDown(self):
        logging.getLogger().removeHandler(self.handler)
        logged = self.log.getvalue()
        for secret in (MARIE_NRN, "72091545687", "65030723172", "eyJ"):
            self.assertNotIn(secret, logged)

    def get(self, url, **params):
        return self.browser.get(url, params=params, allow_redirects=False, timeout=30)

    def follow(self, response):
        """Follow redirects until a page answers (or the site is reached)."""
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            response = self.get(location)
        return response

    def to_provider(self, came_from, level):
        """@@citizen-login up to the provider's sign-in page."""
        page = self.follow(
            self.get(
                f"{self.portal_url}/@@citizen-login", came_from=came_from, level=level
            )
        )
        self.assertTrue(page.url.startswith(self.provider.issuer), page.status_code)
        return page

    def at_provider(self, page, username, level, **extra):
        """Answer the provider's sign-in page; the redirect to our callback."""
        (form,) = Forms(page.text).forms
        response = self.browser.post(
            urljoin(page.url, form["action"]),
            data={"username": username, "level": str(level), **extra},
            allow_redirects=False,
            timeout=30,
        )
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(self.portal_url):
                return location
            response = self.get(location)
        return response

    def sign_in(self, username, level, requested=100, came_from=None):
        came_from = came_from or self.portal_url
        callback = self.at_provider(
            self.to_provider(came_from, requested), username, level
        )
        self.assertTrue(callback.startswith(f"{self.portal_url}/@@citizen-callback?"))
        return callback, self.get(callback)

    def session(self):
        cookie = self.browser.cookies.get(COOKIE_NAME)
        transaction.begin()
        return decode(cookie, 60) if cookie else None

    def me(self, userid):
        return self.browser.get(
            f"{self.portal_url}/@users/{userid}",
            headers={"Accept": "application/json"},
            timeout=30,
        )


class TestCodeFlow(CitizenSignInTestCase):
    def test_citizen_signs_in_and_comes_back_to_the_page(self):
        came_from = f"{self.portal_url}/contact-info"
        login = self.get(
            f"{self.portal_url}/@@citizen-login", came_from=came_from, level=100
        )
        query = parse_qs(urlsplit(login.headers["Location"]).query)
        self.assertEqual(query["code_challenge_method"], ["S256"])
        self.assertEqual(query["acr_values"], [f"{LEVEL}100"])
        self.assertEqual(query["client_id"], [CLIENT_ID])
        self.assertTrue(query["nonce"][0] and query["state"][0])
        self.assertNotIn("prompt", query)
        page = self.follow(login)
        callback = self.at_provider(page, "marie", 450)
        response = self.get(callback)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response.headers["Location"], came_from)
        self.assertEqual(self.session().userid, "marie")
        self.assertEqual(self.session().level, 450)
        me = self.me("marie")
        self.assertEqual(me.status_code, 200)
        self.assertEqual(me.json()["fullname"], "Marie-Hélène Dubois")
        self.assertEqual(me.json()["email"], "marie-helene.dubois@example.org")
        self.assertNotIn(MARIE_NRN, me.text)
        self.assertEqual(national_number("marie"), MARIE_NRN)

    def test_a_page_of_another_site_is_not_where_the_citizen_goes_back(self):
        _, response = self.sign_in("jurgen", 300, came_from="https://evil.example/")
        self.assertEqual(response.headers["Location"], self.portal_url)

    def test_step_up_from_level100_to_a_form_needing_eid_or_itsme(self):
        self.sign_in("francois", 100)
        self.assertEqual(self.session().level, 100)
        login = self.get(f"{self.portal_url}/@@citizen-login", level=400)
        self.assertEqual(
            parse_qs(urlsplit(login.headers["Location"]).query)["prompt"], ["login"]
        )
        page = self.follow(login)
        self.assertIn("Se connecter", page.text)
        response = self.get(self.at_provider(page, "francois", 400))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            (self.session().userid, self.session().level), ("francois", 400)
        )
        # Signed in high enough already: straight back to the page.
        again = self.get(
            f"{self.portal_url}/@@citizen-login", came_from=self.portal_url, level=100
        )
        self.assertEqual(again.headers["Location"], self.portal_url)

    def test_provider_signs_in_again_a_session_below_the_level_asked(self):
        self.sign_in("francois", 100)
        # The local session is gone, the provider's is still at Level100.
        self.browser.cookies.set(COOKIE_NAME, None)
        page = self.to_provider(self.portal_url, 400)
        self.assertIn("Se connecter", page.text)

    def test_a_citizen_without_eid_or_itsme_reads_why_in_french(self):
        self.sign_in("anais", 100)
        page = self.to_provider(self.portal_url, 400)
        refused = self.at_provider(page, "anais", 400)
        self.assertEqual(Forms(refused.text).alerts, [UNAVAILABLE_LEVEL])
        callback = self.at_provider(refused, "anais", 100, cancel="yes")
        response = self.get(callback)
        self.assertEqual(response.status_code, 400)
        heading, alert = shown(response, "//h1", "//p[@role='alert']")
        self.assertEqual(heading, "Vous n'êtes pas connecté")
        self.assertTrue(alert.startswith(HIGH_LEVEL_NEEDED), alert)
        self.assertEqual((self.session().userid, self.session().level), ("anais", 100))

    def test_a_german_site_says_it_in_german(self):
        api.portal.set_registry_record("plone.default_language", "de")
        transaction.commit()
        page = self.to_provider(self.portal_url, 400)
        response = self.get(self.at_provider(page, "jurgen", 400, cancel="yes"))
        self.assertEqual(response.status_code, 400)
        heading, alert, again = shown(
            response,
            "//h1",
            "//p[@role='alert']",
            "//a[contains(@class, 'btn-primary')]",
        )
        self.assertEqual(heading, "Sie sind nicht angemeldet")
        self.assertTrue(alert.startswith("Für dieses Verfahren ist eine Anmeldung"))
        self.assertEqual(again, "Erneut anmelden")


class TestRefused(CitizenSignInTestCase):
    def assertRefused(self, response, text=REFUSED):
        self.assertEqual(response.status_code, 400)
        (alert,) = shown(response, "//p[@role='alert']")
        self.assertTrue(alert.startswith(text), alert)
        self.assertNotIn(
            COOKIE_NAME,
            response.headers.get("Set-Cookie", "").replace(
                f"{COOKIE_NAME}_sign_in", ""
            ),
        )

    def test_a_replayed_authorization_code_is_refused(self):
        page = self.to_provider(self.portal_url, 100)
        pending = self.browser.cookies[SIGN_IN_COOKIE_NAME]
        callback = self.at_provider(page, "marie", 400)
        self.assertEqual(self.get(callback).status_code, 302)
        # An attacker who saw the redirect and the sign-in cookie replays them.
        attacker = requests.Session()
        attacker.cookies.set(SIGN_IN_COOKIE_NAME, pending)
        self.browser = attacker
        self.assertRefused(self.get(callback))
        self.assertIsNone(self.session())

    def test_a_bad_state_is_refused(self):
        page = self.to_provider(self.portal_url, 100)
        callback = self.at_provider(page, "marie", 400)
        query = parse_qs(urlsplit(callback).query)
        forged = f"{self.portal_url}/@@citizen-callback?" + urlencode({
            "code": query["code"][0],
            "state": secrets.token_urlsafe(32),
        })
        self.assertRefused(self.get(forged))
        self.assertIsNone(self.session())

    def test_a_callback_without_a_sign_in_in_progress_is_refused(self):
        page = self.to_provider(self.portal_url, 100)
        callback = self.at_provider(page, "marie", 400)
        self.browser.cookies.clear()
        self.assertRefused(self.get(callback), "La connexion a pris trop de temps")

    def test_a_missing_client_secret_is_a_french_page_not_an_error(self):
        page = self.to_provider(self.portal_url, 100)
        callback = self.at_provider(page, "marie", 400)
        api.portal.set_registry_record(
            "imio.eguichet.identity.client_secret_file", "/nonexistent/oidc-secret"
        )
        transaction.commit()
        response = self.get(callback)
        self.assertEqual(response.status_code, 503)
        (alert,) = shown(response, "//p[@role='alert']")
        self.assertTrue(alert.startswith("Le service d'authentification ne répond pas"))
        self.assertIsNone(self.session())

    def test_an_answer_no_check_foresaw_is_a_page_not_a_site_error(self):
        page = self.to_provider(self.portal_url, 100)
        callback = self.at_provider(page, "marie", 400)
        # A userinfo answer the provider should never send: a JSON list.
        with mock.patch.object(oidc, "_decode", return_value=[]):
            response = self.get(callback)
        self.assertEqual(response.status_code, 503)
        (alert,) = shown(response, "//p[@role='alert']")
        self.assertTrue(alert.startswith("Le service d'authentification ne répond pas"))
        self.assertIn("unexpected", self.log.getvalue())
        self.assertIsNone(self.session())


class TestTokens(CitizenSignInTestCase):
    """The checks of what the provider answers, on its real tokens."""

    def setUp(self):
        super().setUp()
        self.client = oidc.Client(
            issuer=self.provider.issuer,
            client_id=CLIENT_ID,
            redirect_uri=f"{self.portal_url}/@@citizen-callback",
            scopes=DEFAULT_SCOPES,
            acr_prefix=LEVEL,
        )

    def tokens(self, client_id, client_secret, level=400):
        """An id token issued by the provider to ``client_id``, and its nonce."""
        relying_party = OAuth2Session(
            client_id,
            client_secret,
            scope=DEFAULT_SCOPES,
            redirect_uri=self.client.redirect_uri,
            code_challenge_method="S256",
        )
        verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
        url, _ = relying_party.create_authorization_url(
            self.provider.discovery["authorization_endpoint"],
            code_verifier=verifier,
            nonce=nonce,
            acr_values=f"{LEVEL}{level}",
        )
        page = self.follow(self.get(url))
        callback = self.at_provider(page, "marie", level)
        token = relying_party.fetch_token(
            self.provider.discovery["token_endpoint"],
            authorization_response=callback,
            code_verifier=verifier,
        )
        return token, nonce

    def test_a_genuine_id_token_passes(self):
        token, nonce = self.tokens(CLIENT_ID, CLIENT_SECRET)
        claims = oidc.verify_id_token(self.client, token["id_token"], nonce, 400)
        self.assertEqual((claims["sub"], claims["acr"]), ("marie", f"{LEVEL}400"))
        released = oidc.userinfo(self.client, token["access_token"], "marie")
        self.assertEqual(released["surname"], "Dubois")
        with self.assertRaises(oidc.SignInError):
            oidc.userinfo(self.client, token["access_token"], "francois")
        with self.assertRaises(oidc.SignInError):
            oidc.verify_id_token(self.client, token["id_token"], "another nonce", 400)

    def test_a_tampered_id_token_is_refused(self):
        token, nonce = self.tokens(CLIENT_ID, CLIENT_SECRET)
        header, payload, signature = token["id_token"].split(".")
        claims = json.loads(urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["sub"] = "francois"
        forged = urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        with self.assertRaises(oidc.SignInError) as refused:
            oidc.verify_id_token(
                self.client, f"{header}.{forged}.{signature}", nonce, 100
            )
        self.assertEqual(refused.exception.reason, "signature: BadSignatureError")

    def test_an_id_token_for_another_site_is_refused(self):
        token, nonce = self.tokens(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET)
        with self.assertRaises(oidc.SignInError) as refused:
            oidc.verify_id_token(self.client, token["id_token"], nonce, 100)
        self.assertEqual(refused.exception.reason, "claims: InvalidClaimError")

    def test_an_expired_id_token_is_refused(self):
        token, nonce = self.tokens(CLIENT_ID, CLIENT_SECRET)
        expiry = json.loads(urlsafe_b64decode(token["id_token"].split(".")[1] + "=="))[
            "exp"
        ]
        later = datetime.fromtimestamp(expiry + 1, BRUSSELS)
        with (
            at(*later.timetuple()[:6]),
            self.assertRaises(oidc.SignInError) as refused,
        ):
            oidc.verify_id_token(self.client, token["id_token"], nonce, 100)
        self.assertEqual(refused.exception.reason, "claims: ExpiredTokenError")

    def test_a_level_below_the_one_asked_is_refused(self):
        token, nonce = self.tokens(CLIENT_ID, CLIENT_SECRET, level=100)
        with self.assertRaises(oidc.SignInError) as refused:
            oidc.verify_id_token(self.client, token["id_token"], nonce, 400)
        self.assertTrue(refused.exception.level_too_low)


class TestSignOut(CitizenSignInTestCase):
    def test_sign_out_ends_the_local_and_the_providers_session(self):
        self.sign_in("marie", 400)
        self.assertEqual(self.me("marie").status_code, 200)
        response = self.get(f"{self.portal_url}/@@citizen-logout")
        location = response.headers["Location"]
        self.assertTrue(
            location.startswith(self.provider.discovery["end_session_endpoint"])
        )
        self.assertEqual(
            parse_qs(urlsplit(location).query),
            {"client_id": [CLIENT_ID], "post_logout_redirect_uri": [self.portal_url]},
        )
        self.assertNotIn("eyJ", location)
        self.assertIsNone(self.session())
        self.assertEqual(self.me("marie").status_code, 401)
        page = self.follow(response)
        self.assertIn("Voulez-vous vous déconnecter", page.text)
        (form,) = Forms(page.text).forms
        back = self.browser.post(
            urljoin(page.url, form["action"]),
            data={**form["fields"], "logout": "yes"},
            allow_redirects=False,
            timeout=30,
        )
        self.assertEqual(back.headers["Location"], self.portal_url)
        # Signed out at the provider: the next sign-in asks who the citizen is.
        self.assertIn("Se connecter", self.to_provider(self.portal_url, 100).text)
