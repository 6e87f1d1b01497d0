"""The ``identity`` answer: where the commune's citizens sign in."""

from imio.commune.answers import AnswersError
from imio.commune.answers import apply_answers
from imio.commune.answers import complete_answers
from imio.commune.cli.profiles import load_profile
from imio.commune.cli.profiles import ProfileError
from imio.commune.exchange.site import export_site
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.commune.tests.test_answers import create_site
from imio.eguichet.identity import login_url
from imio.eguichet.identity.settings import client_secret
from imio.eguichet.identity.settings import get_settings
from pathlib import Path
from plone import api
from unittest import mock

import os
import tempfile
import unittest


NAMUR = {"site_id": "namur", "title": "Ville de Namur", "refnis": "92094"}
FAS_INTEGRATION = {
    "issuer": "https://idp.iamfas.int.belgium.be/fas/oauth2",
    "client_id": "namur",
    "client_secret_env": "IMIO_OIDC_SECRET",
}
SECRET = "k8Zq-namur-fas-integration-Secret-3vPw"  # noqa: S105 - a test secret
PROFILES = Path(__file__).resolve().parents[4] / "profiles"


def refused(identity) -> AnswersError:
    with unittest.TestCase().assertRaises(AnswersError) as raised:
        complete_answers({**NAMUR, "identity": identity})
    return raised.exception


class TestIdentityAnswer(unittest.TestCase):
    def test_fas_integration_with_the_secret_in_a_variable(self):
        answers = complete_answers({**NAMUR, "identity": FAS_INTEGRATION})
        self.assertEqual(answers["identity"], FAS_INTEGRATION)

    def test_issuer_in_https_or_on_this_machine(self):
        for issuer in ("http://127.0.0.1:8081", "http://localhost:8081"):
            complete_answers({
                **NAMUR,
                "identity": {**FAS_INTEGRATION, "issuer": issuer},
            })
        error = refused({**FAS_INTEGRATION, "issuer": "http://idp.example.be/fas"})
        self.assertEqual(error.field, "identity.issuer")
        self.assertIn("doit être en https", str(error))
        error = refused({**FAS_INTEGRATION, "issuer": "idp.iamfas.belgium.be"})
        self.assertEqual(error.field, "identity.issuer")

    def test_exactly_one_place_for_the_secret(self):
        both = {**FAS_INTEGRATION, "client_secret_file": "/etc/imio/namur-oidc"}
        neither = {**FAS_INTEGRATION, "client_secret_env": ""}
        for identity in (both, neither):
            error = refused(identity)
            self.assertEqual(error.field, "identity")
            self.assertIn("soit client_secret_env", str(error))

    def test_client_id_claims_and_session_are_checked(self):
        self.assertEqual(
            refused({**FAS_INTEGRATION, "client_id": " "}).field, "identity.client_id"
        )
        error = refused({**FAS_INTEGRATION, "claims": {"birth_date": "birthDate"}})
        self.assertEqual(error.field, "identity.claims")
        self.assertIn("national_number", str(error))
        self.assertEqual(
            refused({**FAS_INTEGRATION, "session_minutes": 0}).field,
            "identity.session_minutes",
        )

    def test_demo_profile_signs_in_at_the_development_provider(self):
        answers = load_profile(PROFILES / "demo.yaml").answers
        self.assertEqual(
            answers["identity"],
            {
                "issuer": "http://127.0.0.1:8081",
                "client_id": "demo",
                "client_secret_env": "IMIO_OIDC_SECRET",
            },
        )

    def test_a_secret_in_the_profile_is_refused_by_the_schema(self):
        with tempfile.TemporaryDirectory() as directory:
            profile = Path(directory) / "namur.yaml"
            profile.write_text(
                "site_id: namur\ntitle: Ville de Namur\nrefnis: '92094'\n"
                "identity:\n  issuer: https://idp.iamfas.belgium.be/fas/oauth2\n"
                f"  client_id: namur\n  client_secret: {SECRET}\n"
            )
            with self.assertRaises(ProfileError) as raised:
                load_profile(profile)
        self.assertIn("champ identity", str(raised.exception))


class TestIdentitySettings(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_the_answer_becomes_the_registry_and_the_sign_in_link(self):
        identity = {
            **FAS_INTEGRATION,
            "session_minutes": 30,
            "claims": {"email": "email"},
        }
        site = create_site(self.layer["app"], **NAMUR, identity=identity)
        settings = get_settings()
        self.assertEqual(settings.issuer, FAS_INTEGRATION["issuer"])
        self.assertEqual(settings.client_id, "namur")
        self.assertEqual(settings.client_secret_env, "IMIO_OIDC_SECRET")
        self.assertEqual(settings.client_secret_file, "")
        self.assertEqual(settings.session_minutes, 30)
        self.assertEqual(settings.claims["email"], "email")
        self.assertEqual(settings.claims["national_number"], "egovNRN")
        self.assertEqual(settings.acr_prefix, "urn:be:fedict:iam:fas:citizen:Level")
        self.assertEqual(settings.scopes, "openid profile egovnrn")
        self.assertTrue(
            login_url(site, site.absolute_url(), 400).startswith(
                f"{site.absolute_url()}/@@citizen-login?"
            )
        )
        # Deployed again unchanged: nothing to do.
        answers = complete_answers({**NAMUR, "identity": identity})
        self.assertEqual(apply_answers(site, answers), [])
        # Without the answer, citizens use Plone's login form again.
        changes = apply_answers(site, complete_answers(NAMUR))
        self.assertIn("imio.eguichet.identity.issuer", changes)
        self.assertEqual(
            login_url(site, site.absolute_url()).split("?")[0],
            f"{site.absolute_url()}/login",
        )

    def test_the_secret_is_read_by_the_instance_never_stored_nor_exported(self):
        with mock.patch.dict(os.environ, {"IMIO_OIDC_SECRET": SECRET}):
            site = create_site(self.layer["app"], **NAMUR, identity=FAS_INTEGRATION)
            self.assertEqual(client_secret(get_settings()), SECRET)
            registry = api.portal.get_tool("portal_registry")
            self.assertNotIn(
                SECRET, [str(record.value) for record in registry.records.values()]
            )
            with tempfile.TemporaryDirectory() as directory:
                export = Path(directory) / "namur"
                export_site(site, export)
                exported = [path for path in export.rglob("*") if path.is_file()]
                self.assertIn(export / "commune.json", exported)
                self.assertIn("IMIO_OIDC_SECRET", (export / "commune.json").read_text())
                self.assertEqual(
                    [path for path in exported if SECRET.encode() in path.read_bytes()],
                    [],
                )
