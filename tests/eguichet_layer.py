"""The demo commune with a real SMTP server, agents, a citizen member and an
identity provider.

The demo site is deployed as for `make start`; before the instance serves it,
a script run with the instance's zope.conf points its mail at an aiosmtpd
server on loopback, its citizens' sign-in at the development OpenID provider
(a real process, like FAS) and creates the members the tests log in as. Each
form already goes to its service's agents, as the demo profile installs it.
"""

from tests.instance import BIN
from tests.instance import BrowserLayer
from tests.instance import DemoInstanceLayer
from tests.instance import ROOT
from tests.mail import SMTPServer
from tests.oidc_provider import CLIENT_ID
from tests.oidc_provider import CLIENT_SECRET
from tests.oidc_provider import OIDCProvider

import json
import subprocess


POPULATION = "agents-population-etat-civil"
WORKS = "agents-travaux"
SECRETARIAT = "agents-secretariat"
CITIZEN = {
    "id": "marie.dupont",
    "email": "marie.dupont@example.org",
    "password": "Citoyenne-Namur-2025",
    "fullname": "Marie Dupont",
}
AGENT = {
    "id": "luc.martin",
    "email": "luc.martin@ville.namur.be",
    "password": "Agent-Population-2025",
    "fullname": "Luc Martin",
    "groups": [POPULATION],
}
WORKS_AGENT = {
    "id": "sophie.lambert",
    "email": "sophie.lambert@ville.namur.be",
    "password": "Agent-Travaux-2025",
    "fullname": "Sophie Lambert",
    "groups": [WORKS, SECRETARIAT],
}
# The commune's administrator of the site: forms, their letters, members.
SITE_ADMINISTRATOR = {
    "id": "claire.renard",
    "email": "claire.renard@ville.namur.be",
    "password": "Admin-Site-Namur-2025",
    "fullname": "Claire Renard",
    "roles": ["Site Administrator"],
}
# The commune's data protection officer: the audit trail and the register.
DPO = {
    "id": "nadia.lefevre",
    "email": "dpo@ville.namur.be",
    "password": "Dpo-Namur-2025",
    "fullname": "Nadia Lefèvre",
    "roles": ["DataProtectionOfficer"],
}
SETUP_SCRIPT = ROOT / "tests" / "eguichet_site.py"
# The instance reads its client secret from this variable (never the database).
SECRET_VARIABLE = "IMIO_OIDC_SECRET"  # noqa: S105 - a variable name


class EguichetInstanceLayer(DemoInstanceLayer):
    """The demo instance, its mail sent to ``layer["inbox"]``."""

    def prepare(self, var, env):
        self.smtp = SMTPServer().start()
        site_url = f"http://localhost:{self.port}/demo"
        self.provider = OIDCProvider(
            redirect_uris=[f"{site_url}/@@citizen-callback"],
            post_logout_redirect_uris=[site_url],
        )
        self.provider.start()
        env[SECRET_VARIABLE] = CLIENT_SECRET
        settings = {
            "site_id": "demo",
            "smtp_port": self.smtp.port,
            "members": [CITIZEN, AGENT, WORKS_AGENT, SITE_ADMINISTRATOR, DPO],
            "identity": {
                "issuer": self.provider.issuer,
                "client_id": CLIENT_ID,
                "client_secret_env": SECRET_VARIABLE,
                "client_secret_file": "",
            },
        }
        done = subprocess.run(
            [
                str(BIN / "zconsole"),
                "run",
                str(ROOT / "instance" / "etc" / "zope.conf"),
                str(SETUP_SCRIPT),
            ],
            env={**env, "IMIO_TEST_SETTINGS": json.dumps(settings)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            self.smtp.stop()
            self.provider.stop()
            raise RuntimeError(f"site setup failed: {done.stderr}")
        self["inbox"] = self.smtp.inbox
        self["oidc_provider"] = self.provider

    def tearDown(self):
        super().tearDown()
        self.smtp.stop()
        self.provider.stop()
        del self["inbox"]
        del self["oidc_provider"]


EGUICHET_INSTANCE = EguichetInstanceLayer(name="EguichetInstance")
EGUICHET_BROWSER = BrowserLayer(bases=(EGUICHET_INSTANCE,), name="EguichetBrowser")
