"""The development OpenID provider (dev/oidc-provider, like FAS) as a test layer.

It runs as a real Node process on a free loopback port and is stopped by its
process id at teardown.
"""

from imio.commune.cluster.processes import free_port
from imio.eguichet.testing import IMIO_EGUICHET_FIXTURE
from pathlib import Path
from plone import api
from plone.app.testing import FunctionalTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing import Layer
from plone.testing.zope import WSGI_SERVER_FIXTURE

import os
import requests
import shutil
import signal
import subprocess
import tempfile


PROVIDER_DIR = Path(__file__).resolve().parent.parent / "dev" / "oidc-provider"
CLIENT_ID = "commune-test"
CLIENT_SECRET = "commune-test-secret"  # noqa: S105 - a test client's
LEVEL = "urn:be:fedict:iam:fas:citizen:Level"
# A second site registered at the same provider.
OTHER_CLIENT_ID = "autre-commune-test"
OTHER_CLIENT_SECRET = "autre-commune-test-secret"  # noqa: S105 - a test client's


class OIDCProvider:
    """One provider process; ``issuer`` is its loopback URL."""

    def __init__(self, redirect_uris, post_logout_redirect_uris=()):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.redirect_uris = list(redirect_uris)
        self.post_logout_redirect_uris = list(post_logout_redirect_uris)
        self.process = None

    def start(self):
        node = shutil.which("node")
        if node is None or not (PROVIDER_DIR / "node_modules").is_dir():
            raise RuntimeError(
                "the OpenID provider needs Node and `make oidc-provider`"
            )
        env = dict(
            os.environ,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_REDIRECT_URIS=" ".join(self.redirect_uris),
            OIDC_POST_LOGOUT_REDIRECT_URIS=" ".join(self.post_logout_redirect_uris),
            OIDC_OTHER_CLIENT_ID=OTHER_CLIENT_ID,
            OIDC_OTHER_CLIENT_SECRET=OTHER_CLIENT_SECRET,
        )
        self.process = subprocess.Popen(
            [node, "server.js", str(self.port)],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # The server prints its issuer once it listens.
        line = self.process.stdout.readline()
        if self.issuer not in line:
            self.stop()
            raise RuntimeError(f"the OpenID provider did not start: {line!r}")
        response = requests.get(
            f"{self.issuer}/.well-known/openid-configuration", timeout=10
        )
        response.raise_for_status()
        self.discovery = response.json()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        if self.process is not None:
            self.process.stdout.close()
        self.process = None


class OIDCProviderLayer(Layer):
    """Resource ``oidc_provider``: an :class:`OIDCProvider` for a client whose
    redirect URI is on a closed loopback port (tests read the redirect, nothing
    listens there)."""

    def setUp(self):
        callback = f"http://127.0.0.1:{free_port()}"
        provider = OIDCProvider(
            redirect_uris=[f"{callback}/callback"],
            post_logout_redirect_uris=[f"{callback}/logged-out"],
        )
        provider.start()
        self["oidc_provider"] = provider

    def tearDown(self):
        self["oidc_provider"].stop()
        del self["oidc_provider"]


OIDC_PROVIDER = OIDCProviderLayer(name="OIDCProvider")


class CitizenSignInLayer(PloneSandboxLayer):
    """A site of imio.eguichet served over HTTP whose citizens sign in with its
    own provider process (``oidc_provider``); the client secret is in a file."""

    defaultBases = (IMIO_EGUICHET_FIXTURE, WSGI_SERVER_FIXTURE)

    def setUp(self):
        self.portal_url = f"http://{self['host']}:{self['port']}/plone"
        provider = OIDCProvider(
            redirect_uris=[f"{self.portal_url}/@@citizen-callback"],
            post_logout_redirect_uris=[self.portal_url],
        )
        provider.start()
        self["oidc_provider"] = provider
        self.secrets = tempfile.TemporaryDirectory()
        self.secret_file = Path(self.secrets.name) / "oidc-secret"
        self.secret_file.write_text(CLIENT_SECRET + "\n")
        super().setUp()

    def setUpPloneSite(self, portal):
        api.portal.set_registry_record("plone.default_language", "fr")
        settings = {
            "issuer": self["oidc_provider"].issuer,
            "client_id": CLIENT_ID,
            "client_secret_file": str(self.secret_file),
        }
        for name, value in settings.items():
            api.portal.set_registry_record(f"imio.eguichet.identity.{name}", value)

    def tearDown(self):
        super().tearDown()
        self["oidc_provider"].stop()
        del self["oidc_provider"]
        self.secrets.cleanup()


CITIZEN_SIGN_IN = CitizenSignInLayer(name="CitizenSignIn")
CITIZEN_SIGN_IN_FUNCTIONAL = FunctionalTesting(
    bases=(CITIZEN_SIGN_IN,), name="CitizenSignIn:Functional"
)
