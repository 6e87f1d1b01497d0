"""Citizens' identity: the members the sign-in creates, their session and sign-out."""

from imio.belgium.testing import at
from imio.eguichet.identity import current_identity
from imio.eguichet.identity import LEVEL_HIGH
from imio.eguichet.identity import LEVEL_SIGNED_IN
from imio.eguichet.identity import login_url
from imio.eguichet.identity import national_number
from imio.eguichet.identity import sign_in
from imio.eguichet.identity import sign_out
from imio.eguichet.identity.claims import clean
from imio.eguichet.identity.oidc import map_claims
from imio.eguichet.identity.plugin import PLUGIN_ID
from imio.eguichet.identity.session import COOKIE_NAME
from imio.eguichet.identity.settings import client_secret
from imio.eguichet.identity.settings import DEFAULT_CLAIMS
from imio.eguichet.identity.settings import get_settings
from imio.eguichet.identity.settings import PREFIX
from imio.eguichet.identity.settings import SecretUnavailable
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_NAME
from plone.registry.interfaces import IRegistry
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from zope.component import getUtility

from html import unescape
from pathlib import Path
from unittest import mock

import io
import os
import requests
import tarfile
import tempfile
import transaction
import unittest


# As the provider's claims arrive once mapped to our names.
MARIE = {
    "sub": "5f2b8c1e-fas-marie",
    "given_name": "Marie-Hélène",
    "family_name": "Dubois",
    "email": "marie-helene.dubois@example.org",
    "language": "fr",
    "national_number": "85041212369",
}


def session_cookie(request) -> str:
    return request.response.cookies[COOKIE_NAME]["value"]


def expired(cookie: dict) -> bool:
    return cookie["value"] == "deleted" and cookie["Expires"].endswith(
        "1997 23:59:59 GMT"
    )


class TestSignIn(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        logout()

    def test_sign_in_creates_a_member_known_by_the_providers_sub(self):
        identity = sign_in(self.request, MARIE, LEVEL_HIGH)
        self.assertEqual(identity.userid, MARIE["sub"])
        member = api.user.get(userid=MARIE["sub"])
        self.assertEqual(member.getProperty("fullname"), "Marie-Hélène Dubois")
        self.assertEqual(member.getProperty("email"), "marie-helene.dubois@example.org")
        self.assertEqual(member.getProperty("language"), "fr")
        self.assertIn("Member", api.user.get_roles(user=member))
        self.assertNotIn("Manager", api.user.get_roles(user=member))
        self.assertEqual(
            [
                user["id"]
                for user in api.portal.get_tool("acl_users").searchUsers(
                    fullname="Dubois"
                )
            ],
            [MARIE["sub"]],
        )

    def test_a_second_sign_in_updates_the_member(self):
        sign_in(self.request, MARIE, LEVEL_SIGNED_IN)
        sign_in(self.request, {**MARIE, "email": "mh.dubois@example.org"}, LEVEL_HIGH)
        member = api.user.get(userid=MARIE["sub"])
        self.assertEqual(member.getProperty("email"), "mh.dubois@example.org")

    def test_national_number_is_not_a_member_property(self):
        sign_in(self.request, MARIE, LEVEL_HIGH)
        member = api.user.get(userid=MARIE["sub"])
        values = [
            str(sheet.getProperty(name))
            for sheet in member.getUser().getOrderedPropertySheets()
            for name in sheet.propertyIds()
        ]
        self.assertIn("Marie-Hélène Dubois", values)
        self.assertFalse([value for value in values if "85041212369" in value])
        self.assertEqual(national_number(MARIE["sub"]), "85041212369")
        self.assertEqual(national_number("someone-else"), "")

    def test_current_identity_has_the_level_of_the_session(self):
        self.assertIsNone(current_identity(self.request))
        sign_in(self.request, MARIE, LEVEL_HIGH)
        identity = current_identity(self.request)
        self.assertEqual(
            (identity.userid, identity.given_name, identity.family_name),
            (MARIE["sub"], "Marie-Hélène", "Dubois"),
        )
        self.assertEqual(identity.national_number, "85041212369")
        self.assertEqual(identity.level, 400)

    def test_a_plone_account_is_no_citizen(self):
        sign_in(self.request, MARIE, LEVEL_HIGH)
        login(self.portal, TEST_USER_NAME)
        self.assertIsNone(current_identity(self.request))

    def test_sign_in_needs_a_sub(self):
        with self.assertRaises(ValueError):
            sign_in(self.request, {**MARIE, "sub": ""}, LEVEL_HIGH)

    def test_sign_out_expires_the_session_cookie(self):
        sign_in(self.request, MARIE, LEVEL_HIGH)
        sign_out(self.request)
        self.assertTrue(expired(self.request.response.cookies[COOKIE_NAME]))

    def test_plone_logout_also_ends_the_citizens_session(self):
        sign_in(self.request, MARIE, LEVEL_HIGH)
        self.portal.acl_users.logout(self.request)
        self.assertTrue(expired(self.request.response.cookies[COOKIE_NAME]))

    def test_login_url_is_plones_until_a_provider_is_configured(self):
        came_from = "http://nohost/plone/certificat-residence"
        url = urlsplit(login_url(self.portal, came_from, LEVEL_HIGH))
        self.assertEqual(url.path, "/plone/login")
        self.assertEqual(parse_qs(url.query), {"came_from": [came_from]})
        api.portal.set_registry_record(
            f"{PREFIX}.issuer", "https://idp.iamfas.int.belgium.be/fas/oauth2"
        )
        api.portal.set_registry_record(f"{PREFIX}.client_id", "namur")
        url = urlsplit(login_url(self.portal, came_from, LEVEL_HIGH))
        self.assertEqual(url.path, "/plone/@@citizen-login")
        self.assertEqual(
            parse_qs(url.query), {"came_from": [came_from], "level": ["400"]}
        )


class TestExport(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_site_export_has_no_national_number(self):
        portal = self.layer["portal"]
        logout()
        sign_in(self.layer["request"], MARIE, LEVEL_HIGH)
        setup = portal.portal_setup
        # What GenericSetup exports of users and settings (acl_users itself
        # has no export step on a Plone site).
        steps = ["memberdata-properties", "memberdata", "plone.app.registry"]
        with api.env.adopt_roles(["Manager"]):
            result = setup._doRunExportSteps(steps)
        with tarfile.open(fileobj=io.BytesIO(result["tarball"])) as archive:
            exported = b"".join(
                archive.extractfile(member).read()
                for member in archive.getmembers()
                if member.isfile()
            )
        self.assertIn(b"imio.eguichet.identity.session_minutes", exported)
        self.assertNotIn(MARIE["national_number"].encode(), exported)


class TestSessionCookie(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        self.plugin = self.portal.acl_users[PLUGIN_ID]
        logout()

    def authenticate(self, cookie):
        request = self.request.clone()
        request.cookies[COOKIE_NAME] = cookie
        return self.plugin.authenticateCredentials(
            self.plugin.extractCredentials(request)
        )

    def test_session_lasts_the_configured_minutes(self):
        with at(2026, 12, 4, 9, 30):
            sign_in(self.request, MARIE, LEVEL_HIGH)
        cookie = session_cookie(self.request)
        with at(2026, 12, 4, 10, 29, 59):
            self.assertEqual(self.authenticate(cookie), (MARIE["sub"],) * 2)
        with at(2026, 12, 4, 10, 30):
            self.assertIsNone(self.authenticate(cookie))
        api.portal.set_registry_record(f"{PREFIX}.session_minutes", 15)
        with at(2026, 12, 4, 9, 44):
            self.assertEqual(self.authenticate(cookie), (MARIE["sub"],) * 2)
        with at(2026, 12, 4, 9, 45):
            self.assertIsNone(self.authenticate(cookie))

    def test_a_changed_cookie_is_refused(self):
        with at(2026, 12, 4, 9, 30):
            sign_in(self.request, MARIE, LEVEL_SIGNED_IN)
            cookie = session_cookie(self.request)
            body, signature = cookie.split(".")
            forged = body.replace(body[-2:], "xx") + "." + signature
            self.assertIsNone(self.authenticate(forged))
            self.assertIsNone(self.authenticate(body + "." + signature[::-1]))
            self.assertIsNone(self.authenticate("garbage"))
            self.assertEqual(self.authenticate(cookie), (MARIE["sub"],) * 2)

    def test_cookie_is_http_only_and_lax(self):
        sign_in(self.request, MARIE, LEVEL_SIGNED_IN)
        cookie = self.request.response.cookies[COOKIE_NAME]
        self.assertTrue(cookie["HttpOnly"])
        self.assertEqual(cookie["SameSite"], "Lax")
        self.assertEqual(cookie["Path"], "/")


class TestCitizenOverHTTP(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        logout()
        sign_in(self.request, MARIE, LEVEL_HIGH)
        self.cookie = session_cookie(self.request)
        transaction.commit()
        self.users_url = f"{self.portal.absolute_url()}/@users/{MARIE['sub']}"

    def get(self, url, **kwargs):
        return requests.get(
            url, headers={"Accept": "application/json"}, timeout=30, **kwargs
        )

    def test_users_endpoint_shows_the_name_not_the_national_number(self):
        response = self.get(self.users_url, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["fullname"], "Marie-Hélène Dubois")
        self.assertNotIn("85041212369", response.text)
        listing = self.get(
            f"{self.portal.absolute_url()}/@users",
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
        )
        self.assertIn(MARIE["sub"], listing.text)
        self.assertNotIn("85041212369", listing.text)

    def test_citizen_is_signed_in_by_the_session_cookie(self):
        response = self.get(self.users_url, cookies={COOKIE_NAME: self.cookie})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["email"], "marie-helene.dubois@example.org")
        self.assertNotIn("85041212369", response.text)
        anonymous = self.get(self.users_url)
        self.assertEqual(anonymous.status_code, 401)


class TestUpgrade(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_1011_installs_the_citizens_plugin_and_the_settings(self):
        portal = self.layer["portal"]
        portal.acl_users.manage_delObjects([PLUGIN_ID])
        registry = getUtility(IRegistry)
        for name in [name for name in registry.records if name.startswith(PREFIX)]:
            del registry.records[name]
        setup = portal.portal_setup
        setup.setLastVersionForProfile("imio.eguichet:default", "1010")
        setup.upgradeProfile("imio.eguichet:default")
        self.assertEqual(
            setup.getLastVersionForProfile("imio.eguichet:default"), ("1012",)
        )
        self.assertEqual(api.portal.get_registry_record(f"{PREFIX}.issuer"), "")
        self.assertEqual(
            api.portal.get_registry_record(f"{PREFIX}.claims")["national_number"],
            "egovNRN",
        )
        logout()
        sign_in(self.layer["request"], MARIE, LEVEL_SIGNED_IN)
        self.assertEqual(
            api.user.get(userid=MARIE["sub"]).getProperty("fullname"),
            "Marie-Hélène Dubois",
        )


class TestWithoutProvider(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        logout()

    def view(self, name, **form):
        self.request.form.update(form)
        return self.portal.restrictedTraverse(f"@@{name}")

    def test_sign_in_is_plones_login_form_until_a_provider_is_configured(self):
        came_from = "http://nohost/plone/certificat-residence"
        self.view("citizen-login", came_from=came_from, level="400")()
        location = urlsplit(self.request.response.getHeader("Location"))
        self.assertEqual(location.path, "/plone/login")
        self.assertEqual(parse_qs(location.query), {"came_from": [came_from]})

    def test_an_unreachable_provider_is_a_page_not_an_error(self):
        api.portal.set_registry_record(f"{PREFIX}.issuer", "http://127.0.0.1:9")
        api.portal.set_registry_record(f"{PREFIX}.client_id", "namur")
        with self.assertLogs("imio.eguichet.identity", "WARNING") as logged:
            page = self.view("citizen-login", level="400")()
        self.assertEqual(self.request.response.getStatus(), 503)
        # In the request's language (English here; French over HTTP).
        self.assertIn(
            "The identity service cannot be reached at the moment.", unescape(page)
        )
        self.assertEqual(
            logged.output,
            [
                "WARNING:imio.eguichet.identity:citizen sign-in refused: unreachable:"
                " http://127.0.0.1:9/.well-known/openid-configuration"
            ],
        )

    def test_sign_out_without_provider_goes_back_to_the_site(self):
        sign_in(self.request, MARIE, LEVEL_SIGNED_IN)
        self.view("citizen-logout")()
        self.assertEqual(
            self.request.response.getHeader("Location"), "http://nohost/plone"
        )
        self.assertTrue(expired(self.request.response.cookies[COOKIE_NAME]))


class TestClientSecret(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_secret_from_the_named_variable_or_file(self):
        settings = get_settings()
        with self.assertRaises(SecretUnavailable):
            client_secret(settings)
        settings.client_secret_env = "IMIO_TEST_OIDC_SECRET"  # noqa: S105 - a name
        with mock.patch.dict(os.environ, {"IMIO_TEST_OIDC_SECRET": "s3cr3t\n"}):
            self.assertEqual(client_secret(settings), "s3cr3t")
        with self.assertRaises(SecretUnavailable):
            client_secret(settings)
        settings.client_secret_env = ""
        with tempfile.TemporaryDirectory() as directory:
            secret_file = Path(directory) / "namur-oidc"
            settings.client_secret_file = str(secret_file)
            with self.assertRaises(SecretUnavailable):
                client_secret(settings)
            secret_file.write_text("from-a-file\n")
            self.assertEqual(client_secret(settings), "from-a-file")


class TestClaims(unittest.TestCase):
    def test_national_number_kept_only_when_valid(self):
        self.assertEqual(
            clean({"national_number": "85.04.12-123.69"})["national_number"],
            "85041212369",
        )
        self.assertEqual(
            clean({"national_number": "85041212368"})["national_number"], ""
        )
        self.assertEqual(clean({})["national_number"], "")

    def test_claims_mapped_by_the_settings_mapping(self):
        released = {"sub": "x", "mail": "old@example.org", "email": "new@example.org"}
        mapping = {**DEFAULT_CLAIMS, "email": "email"}
        claims = map_claims("fas-42", released, mapping)
        self.assertEqual(claims["sub"], "fas-42")
        self.assertEqual(claims["email"], "new@example.org")
        self.assertEqual(claims["given_name"], "")

    def test_language_of_a_tag(self):
        for tag, language in (
            ("FR", "fr"),
            ("de-BE", "de"),
            ("nl", "nl"),
            ("es", ""),
            ("", ""),
        ):
            self.assertEqual(clean({"language": tag})["language"], language)
