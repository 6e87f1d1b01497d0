"""The demo commune with a real SMTP server, agents and a citizen member.

The demo site is deployed as for `make start`; before the instance serves it,
a script run with the instance's zope.conf points its mail at an aiosmtpd
server on loopback and creates the members the tests log in as. Each form
already goes to its service's agents, as the demo profile installs it.
"""

from tests.instance import BIN
from tests.instance import BrowserLayer
from tests.instance import DemoInstanceLayer
from tests.instance import ROOT
from tests.mail import SMTPServer

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
SETUP_SCRIPT = ROOT / "tests" / "eguichet_site.py"


class EguichetInstanceLayer(DemoInstanceLayer):
    """The demo instance, its mail sent to ``layer["inbox"]``."""

    def prepare(self, var, env):
        self.smtp = SMTPServer().start()
        settings = {
            "site_id": "demo",
            "smtp_port": self.smtp.port,
            "members": [CITIZEN, AGENT, WORKS_AGENT],
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
            raise RuntimeError(f"site setup failed: {done.stderr}")
        self["inbox"] = self.smtp.inbox

    def tearDown(self):
        super().tearDown()
        self.smtp.stop()
        del self["inbox"]


EGUICHET_INSTANCE = EguichetInstanceLayer(name="EguichetInstance")
EGUICHET_BROWSER = BrowserLayer(bases=(EGUICHET_INSTANCE,), name="EguichetBrowser")
