"""A site editor at work in Chromium: procedures, the publishing rule, an alert.

The layer adds a member of the commune's editors group to the demo site, as
an administrator would, while the instance is stopped, then serves it again.
"""

from datetime import datetime
from datetime import timedelta
from imio.commune.cluster.processes import http_status
from plone.testing import Layer
from tests.browser import accessibility_violations
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.instance import BIN
from tests.instance import DEMO_BROWSER
from tests.instance import ROOT
from zoneinfo import ZoneInfo

import secrets
import subprocess
import unittest


BRUSSELS = ZoneInfo("Europe/Brussels")
EDITOR = "redaction"
ADD_EDITOR = """
from plone import api
from zope.component.hooks import setSite

import transaction

setSite(app.demo)
# The layer may be set up again in one run (after a sibling layer): the
# editor then exists and gets this run's password.
if api.user.get(username={username!r}) is None:
    api.user.create(
        username={username!r},
        password={password!r},
        email="redaction@commune.example",
        properties={{"fullname": "Rédaction du site"}},
    )
else:
    app.demo.acl_users.source_users.doChangeUser({username!r}, {password!r})
api.group.add_user(groupname="editeurs", username={username!r})
transaction.commit()
"""
MISSING_SECTIONS = (
    "Ce que vous obtenez",
    "Qui peut en faire la demande",
    "Comment procéder",
    "Coût",
)


class SiteEditorLayer(Layer):
    """The demo commune with a member of its editors group."""

    defaultBases = (DEMO_BROWSER,)

    def setUp(self):
        password = secrets.token_urlsafe(12)
        script = self["var"] / "add_editor.py"
        script.write_text(ADD_EDITOR.format(username=EDITOR, password=password))
        process = self["process"]
        # A FileStorage has one writer: the instance pauses while the user is added.
        process.stop()
        added = subprocess.run(
            [
                str(BIN / "zconsole"),
                "run",
                str(ROOT / "instance" / "etc" / "zope.conf"),
                str(script),
            ],
            env=self["env"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if added.returncode:
            raise RuntimeError(f"adding the editor failed:\n{added.stderr}")
        process.start()
        process.wait_until(lambda: http_status(self["site_url"]) == 200)
        self["editor_password"] = password

    def tearDown(self):
        del self["editor_password"]


SITE_EDITOR = SiteEditorLayer(name="SiteEditor")


class TestEditor(unittest.TestCase):
    """Log in, write a procedure, meet the publishing rule, report, alert."""

    layer = SITE_EDITOR

    def setUp(self):
        self.recorded = RecordedPage(self.layer["browser"])
        self.page = self.recorded.page
        self.site_url = self.layer["site_url"]

    def tearDown(self):
        self.recorded.close()

    def log_in(self):
        self.page.goto(f"{self.site_url}/login")
        self.page.get_by_label("Identifiant").fill(EDITOR)
        self.page.get_by_label("Mot de passe").fill(self.layer["editor_password"])
        screenshot(self.page, "editeur-01-connexion")
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Se connecter").click()
        self.assertIn("Rédaction du site", self.page.locator("#edit-zone").inner_text())

    def fill_rich_text(self, field: str, text: str):
        editor = self.page.frame_locator(f"#formfield-form-widgets-{field} iframe")
        editor.locator("body").fill(text)

    def save(self):
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Enregistrer").click()

    def transition(self, name: str):
        """Choose a transition in the toolbar's state menu."""
        self.page.locator("#plone-contentmenu-workflow > a").click()
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=name, exact=True).click()

    def report_row(self, url: str):
        """The editors' report's row of one page."""
        link = self.page.locator(f'a[href="{url}/edit"]')
        return self.page.locator(".editors-report tr", has=link)

    def state(self) -> str:
        return self.page.locator("#plone-contentmenu-workflow").inner_text()

    def anonymous_text(self, url: str, selector: str = "#content") -> str:
        anonymous = RecordedPage(self.layer["browser"])
        try:
            anonymous.page.goto(url)
            return anonymous.page.locator(selector).inner_text()
        finally:
            anonymous.close()

    def test_procedure_published_once_complete(self):
        self.log_in()
        self.page.goto(f"{self.site_url}/demarches/++add++Procedure")
        self.page.get_by_label("Titre").fill("Permis de location")
        self.page.get_by_label("Description").fill(
            "Louer un petit logement ou un kot: le permis qui atteste sa salubrité."
        )
        screenshot(self.page, "editeur-02-nouvelle-demarche")
        self.save()
        url = self.page.url.split("?")[0].removesuffix("/view")
        self.assertEqual(self.page.locator("h1").inner_text(), "Permis de location")

        self.transition("Publier")
        refusal = self.page.locator("#global_statusmessage")
        message = refusal.inner_text()
        self.assertIn("Cette démarche ne peut pas être publiée", message)
        for section in MISSING_SECTIONS:
            self.assertIn(section, message)
        screenshot(self.page, "editeur-03-publication-refusee")
        self.assertIn("Privé", self.state())

        self.page.goto(f"{self.site_url}/@@rapport-contenus")
        row = self.report_row(url)
        for section in MISSING_SECTIONS:
            self.assertIn(section, row.inner_text())
        self.assertIn("(nécessaire avant publication)", row.inner_text())
        row.scroll_into_view_if_needed()
        screenshot(self.page, "editeur-04-rapport-donnees-manquantes")

        self.page.goto(f"{url}/edit")
        self.fill_rich_text("what_you_get", "Un permis de location valable 5 ans.")
        self.fill_rich_text("who_may_ask", "Le propriétaire du logement.")
        self.fill_rich_text("how_to_proceed", "Déposez la demande au service Logement.")
        self.fill_rich_text("cost", "125 € par logement.")
        screenshot(self.page, "editeur-05-sections-obligatoires")
        self.save()

        self.transition("Publier")
        self.assertIn("Publié", self.state())
        screenshot(self.page, "editeur-06-demarche-publiee")
        self.assertIn("125 € par logement.", self.anonymous_text(url))

        self.page.goto(f"{self.site_url}/@@rapport-contenus")
        # Still listed for its optional sections, none of them blocking.
        row = self.report_row(url)
        self.assertIn("Documents à apporter", row.inner_text())
        self.assertNotIn("Coût", row.inner_text())
        self.assertNotIn("(nécessaire avant publication)", row.inner_text())

    def test_alert_shown_to_every_visitor(self):
        self.log_in()
        self.page.goto(f"{self.site_url}/actualites/++add++Alert")
        self.page.get_by_label("Titre").fill("Coupure d'eau rue de Fer")
        self.page.get_by_label("Description").fill(
            "Pas d'eau de 8 à 12 heures pour travaux de la SWDE."
        )
        self.page.get_by_label("Gravité").select_option(label="Urgent")
        start = datetime.now(BRUSSELS) - timedelta(hours=1)
        end = start + timedelta(days=1)
        self.fill_moment("start", start)
        self.fill_moment("end", end)
        screenshot(self.page, "editeur-07-alerte", full_page=True)
        self.save()
        if "Publié" not in self.state():
            self.transition("Publier")

        visitor = RecordedPage(self.layer["browser"])
        try:
            visitor.page.goto(self.site_url)
            banner = visitor.page.locator("body").inner_text()
            self.assertIn("Urgent : Coupure d'eau rue de Fer", banner)
            self.assertEqual(accessibility_violations(visitor.page), [])
            screenshot(visitor.page, "editeur-08-alerte-publiee")
        finally:
            visitor.close()

    def fill_moment(self, field: str, moment: datetime):
        self.page.locator(f"#form-widgets-{field}").fill(f"{moment:%Y-%m-%dT%H:%M}")
