"""The commune's mail server down for a while: no confirmation lost, none twice.

The demo instance of the e-guichet layer, with its real SMTP server stopped
while citizens send their requests, and the instance itself stopped and started
again in the meantime, as an operator's restart during the outage would.
"""

from tests.eguichet_layer import EGUICHET_INSTANCE
from tests.mail import text_of
from imio.commune.cluster.processes import http_status

import collections
import requests
import time
import unicodedata
import unittest


FORM = "signalement-voirie"
CITIZENS = [
    "Marie Dupont",
    "Luc Lambert",
    "Sophie Martin",
    "Jean Peeters",
    "Nathalie Dubois",
    "Olivier Janssens",
    "Isabelle Maes",
    "Thomas Jacobs",
    "Catherine Mertens",
    "Pierre Willems",
    "Anne Claes",
    "Michel Goossens",
    "Véronique Wouters",
    "François De Smet",
    "Julie Renard",
    "Benoît Lejeune",
    "Chantal Henrard",
    "Didier Collard",
    "Élise Gérard",
    "Geoffrey Hubert",
]
# What the applicants see: every confirmation within 2 minutes of the return.
DELIVERED_WITHIN = 120


def address(fullname: str) -> str:
    """francois.de.smet@example.org for François De Smet."""
    letters = unicodedata.normalize("NFKD", fullname.lower())
    plain = "".join(c for c in letters if not unicodedata.combining(c))
    return f"{plain.replace(' ', '.')}@example.org"


class TestMailServerOutage(unittest.TestCase):
    layer = EGUICHET_INSTANCE

    def setUp(self):
        self.smtp = EGUICHET_INSTANCE.smtp
        self.inbox = self.layer["inbox"]
        self.instance = self.layer["process"]
        # Whatever happens here, the next tests find the server running.
        self.addCleanup(self.restart_smtp_if_stopped)

    def restart_smtp_if_stopped(self):
        if self.smtp.controller is None:
            self.smtp.start()
        if not self.instance.running():
            self.start_instance()

    def start_instance(self):
        self.instance.start()
        self.instance.wait_until(lambda: http_status(self.layer["site_url"]) == 200)

    def submit(self, number: int, fullname: str) -> dict:
        answer = requests.post(
            f"{self.layer['site_url']}/e-guichet/{FORM}/++api++/@submit",
            json={
                "problem": "pothole",
                "location": f"Rue de Fer {number}",
                "postal_code": "5000",
                "description": "Un nid-de-poule profond devant le numéro.",
                "fullname": fullname,
                "email": address(fullname),
            },
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(answer.status_code, 201, answer.text)
        return answer.json()

    def confirmations(self, cases: dict) -> collections.Counter:
        """How many e-mails each applicant received about their case."""
        counts = collections.Counter()
        for fullname, case in cases.items():
            for message in self.inbox.to(address(fullname)):
                if case["reference"] in text_of(message):
                    counts[fullname] += 1
        return counts

    def test_every_confirmation_once_after_the_outage_and_a_restart(self):
        self.smtp.stop()
        cases = {name: self.submit(n, name) for n, name in enumerate(CITIZENS, 1)}
        self.assertEqual(len({case["reference"] for case in cases.values()}), 20)

        # The operator restarts the instance while the server is still down.
        self.instance.stop()
        self.start_instance()
        self.assertEqual(self.confirmations(cases), collections.Counter())

        self.smtp.start()
        back = time.monotonic()
        deadline = back + DELIVERED_WITHIN
        while time.monotonic() < deadline:
            if len(self.confirmations(cases)) == len(CITIZENS):
                break
            time.sleep(0.5)
        counts = self.confirmations(cases)
        self.assertEqual(
            sorted(counts), sorted(CITIZENS), f"not within {DELIVERED_WITHIN} s"
        )
        for fullname, case in cases.items():
            (message,) = [
                m
                for m in self.inbox.to(address(fullname))
                if case["reference"] in text_of(m)
            ]
            self.assertIn(case["access_code"], text_of(message))
        # Once the queue is empty, nothing can be sent again: count.
        queue = self.layer["var"] / "mailqueue" / "demo"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.queued(queue):
            time.sleep(0.2)
        self.assertEqual(self.queued(queue), [])
        self.assertEqual(self.confirmations(cases), collections.Counter(CITIZENS))

    def queued(self, queue) -> list[str]:
        return [
            path.name
            for folder in ("new", "cur")
            for path in (queue / folder).iterdir()
            if not path.name.startswith(".")
        ]
