"""The development OpenID provider behaves like FAS for a real OIDC client."""

from base64 import urlsafe_b64decode
from base64 import urlsafe_b64encode
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey
from authlib.jose import jwt
from authlib.jose.errors import BadSignatureError
from html.parser import HTMLParser
from oidc_provider import CLIENT_ID
from oidc_provider import CLIENT_SECRET
from oidc_provider import LEVEL
from oidc_provider import OIDC_PROVIDER
from oidc_provider import PROVIDER_DIR
from stdnum.be import nn
from urllib.parse import parse_qs
from urllib.parse import urljoin
from urllib.parse import urlsplit

from imio.commune.cluster.processes import free_port
from imio.commune.demo.identity import instance_environment
from imio.commune.demo.identity import OIDC_PORT
from imio.commune.demo.identity import provider_command
from imio.commune.demo.identity import provider_environment
from imio.commune.demo.identity import SECRET_VARIABLE
from pathlib import Path

import json
import os
import signal
import subprocess
import requests
import secrets
import tempfile
import unittest
import yaml


UNAVAILABLE = "Ce niveau de connexion n\u2019est pas disponible."


class Forms(HTMLParser):
    """The forms of a page: action and hidden/visible input values, and alerts."""

    def __init__(self, html):
        super().__init__()
        self.forms = []
        self.alerts = []
        self._alert = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")
        self._alert = attrs.get("role") == "alert"

    def handle_data(self, data):
        if self._alert and data.strip():
            self.alerts.append(data.strip())
            self._alert = False


class TestOIDCProvider(unittest.TestCase):
    layer = OIDC_PROVIDER

    def setUp(self):
        self.provider = self.layer["oidc_provider"]
        self.discovery = self.provider.discovery
        self.redirect_uri = self.provider.redirect_uris[0]
        self.browser = requests.Session()

    def client(self, redirect_uri=None):
        return OAuth2Session(
            CLIENT_ID,
            CLIENT_SECRET,
            scope="openid profile egovnrn",
            redirect_uri=redirect_uri or self.redirect_uri,
            code_challenge_method="S256",
        )

    def authorize(self, client, level_requested, **params):
        """The authorization URL, state and PKCE verifier of a relying party."""
        verifier = secrets.token_urlsafe(48)
        url, state = client.create_authorization_url(
            self.discovery["authorization_endpoint"],
            code_verifier=verifier,
            nonce=secrets.token_urlsafe(16),
            acr_values=f"{LEVEL}{level_requested}",
            **params,
        )
        return url, state, verifier

    def follow(self, response):
        """Follow the provider's redirects until it leaves for the relying party."""
        while response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(self.provider.issuer):
                return location
            response = self.browser.get(location, allow_redirects=False)
        return response

    def sign_in(self, username, level, level_requested=100):
        client = self.client()
        url, state, verifier = self.authorize(client, level_requested)
        page = self.follow(self.browser.get(url, allow_redirects=False))
        self.assertIn("Se connecter", page.text)
        (form,) = Forms(page.text).forms
        response = self.browser.post(
            urljoin(page.url, form["action"]),
            data={"username": username, "level": str(level)},
            allow_redirects=False,
        )
        return client, state, verifier, self.follow(response)

    def tokens(self, username, level, level_requested=100):
        client, state, verifier, callback = self.sign_in(
            username, level, level_requested
        )
        self.assertTrue(callback.startswith(self.redirect_uri + "?"), callback)
        self.assertEqual(parse_qs(urlsplit(callback).query)["state"], [state])
        token = client.fetch_token(
            self.discovery["token_endpoint"],
            authorization_response=callback,
            code_verifier=verifier,
        )
        return client, token

    def jwks(self):
        return JsonWebKey.import_key_set(
            requests.get(self.discovery["jwks_uri"], timeout=10).json()
        )

    def test_discovery_announces_fas_levels_claims_and_endpoints(self):
        self.assertEqual(self.discovery["issuer"], self.provider.issuer)
        self.assertEqual(
            self.discovery["acr_values_supported"],
            [f"{LEVEL}{level}" for level in (100, 300, 400, 450)],
        )
        for claim in (
            "sub",
            "givenName",
            "surname",
            "mail",
            "prefLanguage",
            "egovNRN",
            "acr",
        ):
            self.assertIn(claim, self.discovery["claims_supported"])
        self.assertEqual(
            self.discovery["scopes_supported"],
            ["openid", "profile", "egovnrn"],
        )
        self.assertEqual(self.discovery["code_challenge_methods_supported"], ["S256"])
        self.assertIn("RS256", self.discovery["userinfo_signing_alg_values_supported"])
        self.assertTrue(
            self.discovery["end_session_endpoint"].startswith(self.provider.issuer)
        )

    def test_test_citizens_have_valid_national_numbers_in_french_and_german(self):
        citizens = json.loads((PROVIDER_DIR / "citizens.json").read_text())
        for citizen in citizens.values():
            self.assertTrue(nn.is_valid(citizen["egovNRN"]), citizen["egovNRN"])
        self.assertEqual({c["prefLanguage"] for c in citizens.values()}, {"fr", "de"})
        self.assertIn(100, {c["maxLevel"] for c in citizens.values()})

    def test_code_flow_with_pkce_gives_a_signed_userinfo_jwt_with_fas_claims(self):
        client, token = self.tokens("marie", 450, level_requested=400)
        id_token = jwt.decode(
            token["id_token"],
            self.jwks(),
            claims_options={
                "iss": {"essential": True, "value": self.provider.issuer},
                "aud": {"essential": True, "value": CLIENT_ID},
            },
        )
        id_token.validate()
        self.assertEqual(id_token["sub"], "marie")
        self.assertEqual(id_token["acr"], f"{LEVEL}450")

        response = client.get(self.discovery["userinfo_endpoint"])
        self.assertEqual(
            response.headers["Content-Type"].split(";")[0], "application/jwt"
        )
        userinfo = jwt.decode(response.text, self.jwks())
        userinfo.validate()
        self.assertEqual(userinfo["iss"], self.provider.issuer)
        self.assertEqual(userinfo["aud"], CLIENT_ID)
        self.assertEqual(userinfo["sub"], "marie")
        self.assertEqual(userinfo["givenName"], "Marie-Hélène")
        self.assertEqual(userinfo["surname"], "Dubois")
        self.assertEqual(userinfo["mail"], "marie-helene.dubois@example.org")
        self.assertEqual(userinfo["prefLanguage"], "fr")
        self.assertEqual(userinfo["egovNRN"], "85041212369")

    def test_tampered_userinfo_is_refused_by_its_signature(self):
        client, _ = self.tokens("jurgen", 400)
        header, payload, signature = client.get(
            self.discovery["userinfo_endpoint"]
        ).text.split(".")
        claims = json.loads(urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["egovNRN"] = "85041212369"
        forged = urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        tampered = f"{header}.{forged}.{signature}"
        with self.assertRaises(BadSignatureError):
            jwt.decode(tampered, self.jwks())

    def test_german_speaking_citizen_at_the_level_chosen(self):
        client, token = self.tokens("jurgen", 300, level_requested=300)
        id_token = jwt.decode(token["id_token"], self.jwks())
        self.assertEqual(id_token["acr"], f"{LEVEL}300")
        userinfo = jwt.decode(
            client.get(self.discovery["userinfo_endpoint"]).text, self.jwks()
        )
        self.assertEqual(
            (userinfo["givenName"], userinfo["prefLanguage"]), ("Jürgen", "de")
        )

    def test_level_below_the_requested_one_is_refused(self):
        *_, page = self.sign_in("francois", 300, level_requested=400)
        self.assertEqual(Forms(page.text).alerts, [UNAVAILABLE])

    def test_citizen_cannot_sign_in_above_their_maximum_level(self):
        *_, page = self.sign_in("anais", 400, level_requested=100)
        self.assertEqual(Forms(page.text).alerts, [UNAVAILABLE])
        *_, callback = self.sign_in("anais", 100, level_requested=100)
        self.assertTrue(callback.startswith(self.redirect_uri + "?code="), callback)

    def test_unknown_redirect_uri_is_refused(self):
        client = self.client(redirect_uri="http://127.0.0.1:9/elsewhere")
        url, _, _ = self.authorize(client, 100)
        response = self.browser.get(url, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertIn("redirect_uri", response.text)
        self.assertNotIn("Location", response.headers)

    def test_authorization_without_pkce_is_refused(self):
        url = self.client().create_authorization_url(
            self.discovery["authorization_endpoint"],
            nonce="n",
            code_challenge_method=None,
        )[0]
        url = url.replace("&code_challenge_method=S256", "")
        location = self.browser.get(url, allow_redirects=False).headers["Location"]
        self.assertEqual(
            parse_qs(urlsplit(location).query)["error"], ["invalid_request"]
        )

    def test_logout_ends_the_provider_session(self):
        _, token = self.tokens("marie", 400)
        logged_out = self.provider.post_logout_redirect_uris[0]
        page = self.browser.get(
            self.discovery["end_session_endpoint"],
            params={
                "id_token_hint": token["id_token"],
                "post_logout_redirect_uri": logged_out,
            },
        )
        (form,) = Forms(page.text).forms
        response = self.browser.post(
            urljoin(page.url, form["action"]),
            data={**form["fields"], "logout": "yes"},
            allow_redirects=False,
        )
        self.assertEqual(response.headers["Location"], logged_out)
        # Signed out at the provider: a new authorization asks to sign in again.
        url, _, _ = self.authorize(self.client(), 100, prompt="none")
        location = self.follow(self.browser.get(url, allow_redirects=False))
        self.assertEqual(
            parse_qs(urlsplit(location).query)["error"], ["login_required"]
        )


class TestOIDCProviderByHand(unittest.TestCase):
    """The command of the developers' guide starts the provider in a plain shell."""

    def test_documented_command_serves_discovery(self):
        guide = (
            PROVIDER_DIR.parent.parent / "docs/developers/development.md"
        ).read_text()
        (command,) = [
            line for line in guide.splitlines() if "dev/oidc-provider/server.js" in line
        ]
        port = free_port()
        command = command.replace("server.js 9090", f"server.js {port}")
        process = subprocess.Popen(
            ["/bin/sh", "-c", command],
            cwd=PROVIDER_DIR.parent.parent,
            env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            issuer = f"http://127.0.0.1:{port}"
            self.assertEqual(
                process.stdout.readline().strip(), f"OpenID provider on {issuer}"
            )
            discovery = requests.get(
                f"{issuer}/.well-known/openid-configuration", timeout=10
            ).json()
            self.assertEqual(discovery["issuer"], issuer)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
            process.stdout.close()


class TestDemoEnvironment(unittest.TestCase):
    """What `make start` gives the provider and the demo instance."""

    def test_provider_and_instance_share_the_generated_secret(self):
        with tempfile.TemporaryDirectory() as var:
            provider_env = provider_environment(Path(var), port=8080)
            secret = provider_env["OIDC_CLIENT_SECRET"]
            self.assertGreaterEqual(len(secret), 40)
            self.assertEqual(instance_environment(Path(var)), {SECRET_VARIABLE: secret})
            secret_file = Path(var) / "oidc-demo-secret"
            self.assertEqual(secret_file.stat().st_mode & 0o777, 0o600)
            self.assertEqual(provider_environment(Path(var)), provider_env)
            self.assertEqual(
                provider_env["OIDC_REDIRECT_URIS"].split(),
                [
                    "http://localhost:8080/demo/@@citizen-callback",
                    "http://127.0.0.1:8080/demo/@@citizen-callback",
                ],
            )
            self.assertEqual(
                provider_env["OIDC_POST_LOGOUT_REDIRECT_URIS"].split(),
                ["http://localhost:8080/demo", "http://127.0.0.1:8080/demo"],
            )

    def test_demo_profile_names_the_provider_the_client_and_the_variable(self):
        root = PROVIDER_DIR.parent.parent
        demo = yaml.safe_load((root / "profiles" / "demo.yaml").read_text())
        self.assertEqual(
            demo["identity"],
            {
                "issuer": f"http://127.0.0.1:{OIDC_PORT}",
                "client_id": "demo",
                "client_secret_env": SECRET_VARIABLE,
            },
        )

    def test_provider_started_as_for_make_start_knows_the_demo_site(self):
        root = PROVIDER_DIR.parent.parent
        port = free_port()
        with tempfile.TemporaryDirectory() as var:
            env = {"PATH": os.environ["PATH"], **provider_environment(Path(var))}
            process = subprocess.Popen(
                provider_command(port),
                cwd=root,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            try:
                issuer = f"http://127.0.0.1:{port}"
                self.assertEqual(
                    process.stdout.readline().strip(), f"OpenID provider on {issuer}"
                )
                client = OAuth2Session(
                    "demo",
                    scope="openid profile egovnrn",
                    redirect_uri="http://localhost:8080/demo/@@citizen-callback",
                    code_challenge_method="S256",
                )
                discovery = requests.get(
                    f"{issuer}/.well-known/openid-configuration", timeout=10
                ).json()
                url, _ = client.create_authorization_url(
                    discovery["authorization_endpoint"],
                    code_verifier=secrets.token_urlsafe(48),
                    nonce="n",
                    acr_values=f"{LEVEL}100",
                )
                page = requests.get(url, timeout=10)
                self.assertEqual(page.status_code, 200)
                self.assertIn("Se connecter", page.text)
            finally:
                process.terminate()
                process.wait(timeout=10)
                process.stdout.close()
