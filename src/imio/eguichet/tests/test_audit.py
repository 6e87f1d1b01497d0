"""The audit trail: what agents read and took away, for the DPO's eyes only."""

from collective.easyform.api import get_schema
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from imio.belgium.testing import at
from imio.eguichet import audit
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.browser.register import RegisterView
from imio.eguichet.cases import create_case
from imio.eguichet.library import available_forms
from imio.eguichet.library import install_form
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.testing import SERVICE
from imio.eguichet.upgrades.v1012 import case_records
from imio.eguichet.vocabularies import DATA_CATEGORIES
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from plone.namedfile.file import NamedBlobFile
from zope.i18n import translate

import csv
import html
import io
import re
import requests
import transaction
import unittest


PASSWORD = TEST_USER_PASSWORD
AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')
USERS = (
    ("agent", "Agnès Agent"),
    ("marie", "Marie Dupont"),
    ("dpo", "Delphine Protection"),
    ("service_agent", "Sam Service"),
    ("editor", "Eddy Editeur"),
    ("site_admin", "Sylvie Admin"),
)


def create_users(portal):
    for username, fullname in USERS:
        api.user.create(
            email=f"{username}@example.org",
            username=username,
            password=PASSWORD,
            properties={"fullname": fullname},
        )
    api.group.add_user(groupname=SERVICE, username="agent")
    api.group.grant_roles(groupname=SERVICE, roles=["EguichetAgent"])
    # A member of another service: CaseAgent on that service's cases only.
    api.group.create(groupname="urbanisme", title="Urbanisme")
    api.group.add_user(groupname="urbanisme", username="service_agent")
    api.user.grant_roles(username="dpo", roles=[audit.DPO_ROLE])
    api.user.grant_roles(username="editor", obj=portal, roles=["Editor"])
    api.user.grant_roles(username="site_admin", roles=["Site Administrator"])


def submit(form, applicant="marie"):
    login(api.portal.get(), applicant)
    case, _code = create_case(
        form,
        get_schema(form),
        {
            "fullname": "Marie Dupont",
            "email": "marie@example.org",
            "document": NamedBlobFile(data=b"%PDF-1.4 carte", filename="carte.pdf"),
        },
    )
    logout()
    return case


class TestAuditAPI(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        self.request.environ["REMOTE_ADDR"] = "192.0.2.7"
        self.request["REMOTE_ADDR"] = "192.0.2.7"
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        create_users(self.portal)
        self.form = add_form(self.portal)
        self.case = submit(self.form)

    def record_as(self, username, case, action, detail=""):
        login(self.portal, username)
        try:
            audit.record(case, action, self.request, detail=detail)
        finally:
            logout()

    def found(self, **filters):
        return list(audit.entries(self.portal, **filters))

    def test_an_agents_view_says_who_when_what_and_from_where(self):
        with at(2026, 3, 14, 10, 30):
            self.record_as("agent", self.case, "view")
        (entry,) = self.found()
        self.assertEqual(entry["user"], "agent")
        self.assertEqual(entry["name"], "Agnès Agent")
        self.assertEqual(entry["action"], "view")
        self.assertEqual(entry["reference"], self.case.getId())
        self.assertEqual(entry["uid"], api.content.get_uuid(self.case))
        self.assertEqual(entry["title"], "Certificat de résidence")
        self.assertEqual(entry["address"], "192.0.2.7")
        self.assertEqual(entry["when"], "2026-03-14T09:30:00+00:00")

    def test_nothing_for_the_applicant_nor_the_anonymous(self):
        self.record_as("marie", self.case, "view")
        logout()
        audit.record(self.case, "view", self.request)
        self.assertEqual(self.found(), [])

    def test_unknown_action_refused(self):
        with self.assertRaises(ValueError):
            self.record_as("agent", self.case, "edit")

    def test_newest_first_and_filters(self):
        other = submit(self.form)
        with at(2026, 3, 1, 9):
            self.record_as("agent", self.case, "view")
        with at(2026, 3, 2, 9):
            self.record_as("agent", self.case, "download", detail="document")
        with at(2026, 3, 3, 9):
            self.record_as("dpo", other, "view")
        with at(2026, 3, 4, 9):
            self.record_as("agent", None, "export", detail="CSV; 2")
        self.assertEqual(
            [entry["action"] for entry in self.found()],
            ["export", "view", "download", "view"],
        )
        self.assertEqual(len(self.found(user="agent")), 3)
        self.assertEqual(
            [entry["user"] for entry in self.found(reference=other.getId())], ["dpo"]
        )
        # A reference as people type it, with its dash and in lower case.
        typed = other.formatted_reference().lower()
        self.assertEqual(len(self.found(reference=typed)), 1)
        self.assertEqual(len(self.found(action="download")), 1)
        # 9:00 in Brussels is 8:00 UTC.
        start = datetime(2026, 3, 2, 8, tzinfo=UTC)
        end = datetime(2026, 3, 4, 8, tzinfo=UTC)
        self.assertEqual(
            [entry["action"] for entry in self.found(start=start, end=end)],
            ["view", "download"],
        )

    def test_entries_are_copies(self):
        self.record_as("agent", self.case, "view")
        next(audit.entries(self.portal))["user"] = "someone else"
        self.assertEqual(self.found()[0]["user"], "agent")

    def test_purge_drops_only_older_entries(self):
        for day in (1, 2, 3):
            with at(2024, 1, day, 12):
                self.record_as("agent", self.case, "view")
        dropped = audit.purge(self.portal, datetime(2024, 1, 2, tzinfo=UTC))
        self.assertEqual(dropped, 1)
        self.assertEqual(len(self.found()), 2)

    def test_purge_after_the_registry_retention(self):
        self.assertEqual(
            api.portal.get_registry_record(audit.AUDIT_RETENTION_RECORD), 24
        )
        with at(2024, 3, 13, 12):
            self.record_as("agent", self.case, "view")
        with at(2024, 3, 15, 12):
            self.record_as("agent", self.case, "download")
        now = datetime(2026, 3, 14, 12, tzinfo=UTC)
        self.assertEqual(audit.purge_expired(self.portal, now), 1)
        self.assertEqual([entry["action"] for entry in self.found()], ["download"])
        api.portal.set_registry_record(audit.AUDIT_RETENTION_RECORD, 0)
        self.assertEqual(audit.purge_expired(self.portal, datetime.now(UTC)), 0)

    def test_months_before(self):
        moment = datetime(2026, 3, 31, 8, tzinfo=UTC)
        self.assertEqual(
            audit.months_before(moment, 1), datetime(2026, 2, 28, 8, tzinfo=UTC)
        )
        self.assertEqual(
            audit.months_before(moment, 25), datetime(2024, 2, 29, 8, tzinfo=UTC)
        )

    def test_the_role_has_its_title_in_french_and_german(self):
        # Plone's users overview translates role ids in its own domain.
        for language, title in (
            ("fr", "Délégué à la protection des données"),
            ("de", "Datenschutzbeauftragter"),
        ):
            self.assertEqual(
                translate(audit.DPO_ROLE, domain="plone", target_language=language),
                title,
            )

    def test_the_user_menu_leads_the_dpo_to_both_pages(self):
        def shown(username):
            login(self.portal, username)
            try:
                actions = api.portal.get_tool("portal_actions").listFilteredActionsFor(
                    self.portal
                )["user"]
            finally:
                logout()
            return {action["id"] for action in actions}

        self.assertLessEqual(
            {"journal-d-audit", "registre-des-traitements"}, shown("dpo")
        )
        self.assertIn("registre-des-traitements", shown("site_admin"))
        self.assertNotIn("journal-d-audit", shown("site_admin"))
        self.assertFalse(
            {"journal-d-audit", "registre-des-traitements"} & shown("agent")
        )

    def test_the_upgrade_gives_the_dpo_role_its_permission(self):
        portal = self.portal
        portal._delRoles([audit.DPO_ROLE])
        user_actions = portal.portal_actions.user
        user_actions.manage_delObjects(["journal-d-audit", "registre-des-traitements"])
        portal.manage_permission(audit.AUDIT_PERMISSION, ["Manager"], acquire=True)
        self.assertNotIn(audit.DPO_ROLE, portal.validRoles())
        case_records(portal.portal_setup)
        self.assertIn(audit.DPO_ROLE, portal.validRoles())
        roles = {
            role["name"]
            for role in portal.rolesOfPermission(audit.AUDIT_PERMISSION)
            if role["selected"]
        }
        self.assertEqual(roles, {audit.DPO_ROLE, "Manager"})
        self.assertIsNotNone(audit._tree(portal))
        self.assertIn("journal-d-audit", user_actions.objectIds())
        self.assertIn("registre-des-traitements", user_actions.objectIds())


class AuditFunctionalTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        create_users(self.portal)
        self.form = add_form(self.portal)
        self.case = submit(self.form)
        transaction.commit()
        self.base = self.portal.absolute_url()

    def get(self, url, username="agent", **params):
        return requests.get(
            url,
            params=params,
            auth=(username, PASSWORD) if username else None,
            allow_redirects=False,
            timeout=30,
        )

    def found(self, **filters):
        transaction.begin()
        return list(audit.entries(self.portal, **filters))


class TestAgentActionsRecorded(AuditFunctionalTestCase):
    def test_case_page_viewed_by_an_agent(self):
        page = self.get(self.case.absolute_url())
        self.assertEqual(page.status_code, 200)
        (entry,) = self.found()
        self.assertEqual((entry["user"], entry["action"]), ("agent", "view"))
        self.assertEqual(entry["reference"], self.case.getId())
        self.assertEqual(entry["address"], "127.0.0.1")

    def test_case_read_through_the_rest_api(self):
        response = requests.get(
            self.case.absolute_url(),
            headers={"Accept": "application/json"},
            auth=("agent", PASSWORD),
            timeout=30,
        )
        self.assertEqual(response.status_code, 200)
        (entry,) = self.found()
        self.assertEqual((entry["action"], entry["detail"]), ("view", "API"))

    def test_the_applicant_reading_their_case_is_not_recorded(self):
        page = self.get(self.case.absolute_url(), username="marie")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(self.found(), [])

    def test_attachment_download(self):
        url = f"{self.case.absolute_url()}/@@attachment/document"
        download = self.get(url)
        self.assertEqual(download.content, b"%PDF-1.4 carte")
        (entry,) = self.found()
        self.assertEqual(entry["action"], "download")
        self.assertEqual(entry["detail"], "document")
        self.assertEqual(entry["reference"], self.case.getId())
        self.get(url, username="marie")
        self.assertEqual(len(self.found()), 1)

    def test_csv_export(self):
        export = self.get(f"{self.base}/@@demandes-export", state="submitted")
        self.assertEqual(export.status_code, 200)
        (entry,) = self.found()
        self.assertEqual(entry["action"], "export")
        self.assertEqual(entry["reference"], "")
        self.assertTrue(entry["detail"].startswith("CSV; 1;"), entry["detail"])
        self.assertIn("state=submitted", entry["detail"])
        self.assertIn(self.case.getId(), entry["detail"])

    def test_xlsx_export(self):
        export = self.get(f"{self.base}/@@demandes-export-xlsx")
        self.assertEqual(export.status_code, 200)
        (entry,) = self.found()
        self.assertEqual(entry["action"], "export")
        self.assertTrue(entry["detail"].startswith("XLSX; 1;"), entry["detail"])
        self.assertIn(self.case.getId(), entry["detail"])

    def test_letter_produced_and_downloaded(self):
        session = requests.Session()
        session.auth = ("agent", PASSWORD)
        page = session.get(self.case.absolute_url(), timeout=30)
        token = AUTHENTICATOR.search(page.text).group(1)
        produced = session.post(
            f"{self.case.absolute_url()}/@@produire-la-lettre",
            data={"motivation": "Pièces complètes.", "_authenticator": token},
            allow_redirects=False,
            timeout=60,
        )
        self.assertEqual(produced.status_code, 303)
        letter = session.get(f"{self.case.absolute_url()}/@@lettre", timeout=30)
        self.assertTrue(letter.content.startswith(b"%PDF"))
        self.assertEqual(
            [(entry["action"], entry["detail"]) for entry in self.found()],
            [("letter", "download"), ("letter", "produced"), ("view", "")],
        )
        # The applicant's own download is not recorded.
        self.get(f"{self.case.absolute_url()}/@@lettre", username="marie")
        self.assertEqual(len(self.found()), 3)

    def test_concurrent_entries_at_the_same_moment_do_not_conflict(self):
        db = self.portal._p_jar.db()
        managers = [transaction.TransactionManager() for _number in range(2)]
        connections = [db.open(transaction_manager=manager) for manager in managers]
        try:
            trees = [
                audit._tree(connection.root()["Application"]["plone"])
                for connection in connections
            ]
            moment = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
            for number, tree in enumerate(trees):
                tree[audit.new_key(moment)] = {"user": f"agent{number}"}
            # Both wrote the same bucket; the second commit resolves it.
            for manager in managers:
                manager.commit()
        finally:
            for connection in connections:
                connection.close()
        users = {entry["user"] for entry in self.found()}
        self.assertEqual(users, {"agent0", "agent1"})


class TestAuditLogPage(AuditFunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.page_url = f"{self.base}/@@journal-d-audit"
        self.csv_url = f"{self.base}/@@journal-d-audit.csv"
        self.get(self.case.absolute_url())
        self.get(f"{self.case.absolute_url()}/@@attachment/document")

    def test_none_readable_by_agents_editors_nor_site_administrators(self):
        for username in ("agent", "service_agent", "editor", "site_admin", "marie"):
            for url in (self.page_url, self.csv_url):
                response = self.get(url, username=username)
                # Refused: 401/403, or Plone's "insufficient privileges" page.
                self.assertIn(response.status_code, (302, 401, 403), (username, url))
                if response.status_code == 302:
                    self.assertIn("require_login", response.headers["Location"])
                self.assertNotIn("Agnès", response.text)
        anonymous = self.get(self.page_url, username=None)
        self.assertNotEqual(anonymous.status_code, 200)

    def test_the_dpo_reads_the_entries_newest_first(self):
        page = self.get(self.page_url, username="dpo")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("Journal d'audit", text)
        self.assertIn("conservées 24 mois", text)
        self.assertIn("Agnès Agent", text)
        table = text[text.index('<table class="table audit-entries"') :]
        self.assertLess(table.index("Fichier téléchargé"), table.index("Demande lue"))
        self.assertIn(self.case.formatted_reference(), text)

    def test_filters(self):
        page = self.get(self.page_url, username="dpo", action="download")
        self.assertEqual(page.text.count('class="audit-entry"'), 1)
        page = self.get(self.page_url, username="dpo", user="nobody")
        self.assertIn("Aucune entrée", page.text)
        page = self.get(
            self.page_url, username="dpo", reference=self.case.formatted_reference()
        )
        self.assertEqual(page.text.count('class="audit-entry"'), 2)
        page = self.get(
            self.page_url, username="dpo", start="2000-01-01", end="2000-01-31"
        )
        self.assertEqual(page.text.count('class="audit-entry"'), 0)

    def test_pages_of_fifty_newest_first(self):
        transaction.begin()
        tree = audit._tree(self.portal)
        moment = datetime(2025, 6, 1, 8, tzinfo=UTC)
        for number in range(60):
            when = moment + timedelta(hours=number)
            tree[audit.new_key(when)] = {
                **next(audit.entries(self.portal)),
                "when": when.isoformat(),
                "detail": f"entrée {number}",
            }
        transaction.commit()
        text = self.get(self.page_url, username="dpo").text
        self.assertEqual(text.count('class="audit-entry"'), 50)
        self.assertNotIn("Entrées plus récentes", text)
        older = re.search(r'class="audit-older" href="([^"]+)"', text).group(1)
        text = self.get(html.unescape(older), username="dpo").text
        # 62 entries: the two of this test's setUp, then the 60 older ones.
        self.assertEqual(text.count('class="audit-entry"'), 12)
        self.assertIn("entrée 0<", text)
        self.assertIn("Entrées plus récentes", text)
        self.assertNotIn('class="audit-older"', text)

    def test_bad_filters_say_so_without_error_page(self):
        for params in (
            {"start": "hier"},
            {"end": "2026-13-45"},
            {"reference": "<script>"},
            {"b_start": "x", "action": "rm -rf"},
        ):
            page = self.get(self.page_url, username="dpo", **params)
            self.assertIn(page.status_code, (200, 400), params)
            self.assertNotIn("<script>", page.text.split("</head>")[-1])
        page = self.get(self.page_url, username="dpo", start="hier")
        self.assertIn("Indiquez une date", page.text)
        csv_bad = self.get(self.csv_url, username="dpo", start="hier")
        self.assertEqual(csv_bad.status_code, 400)

    def test_csv_export_is_itself_recorded(self):
        response = self.get(self.csv_url, username="dpo", action="view")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        rows = list(
            csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        )
        self.assertEqual(rows[0][:4], ["Date et heure", "Identifiant", "Nom", "Action"])
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            rows[1][1:5],
            ["agent", "Agnès Agent", "Demande lue", self.case.formatted_reference()],
        )
        (entry,) = self.found(user="dpo")
        self.assertEqual(entry["action"], "export")
        self.assertTrue(entry["detail"].startswith("journal-d-audit.csv; 1;"))


class TestRegister(AuditFunctionalTestCase):
    def setUp(self):
        super().setUp()
        self.form.purpose = "Délivrer un certificat de résidence."
        self.form.legal_basis = "Loi du 19 juillet 1991 relative aux registres."
        self.form.data_categories = ["identity", "contact"]
        self.form.retention_months = 12
        with api.env.adopt_roles(["Manager"]):
            self.bare = add_form(self.portal, "permis", title="Permis de location")
        self.bare.reindexObject()
        transaction.commit()
        self.url = f"{self.base}/@@registre-des-traitements"

    def entry(self, text, title):
        text = text[text.index('class="processing-register"') :]
        start = text.index(title)
        end = text.find('<section class="register-entry"', start)
        return text[start : end if end > 0 else None]

    def test_one_entry_per_form_from_its_settings(self):
        page = self.get(self.url, username="dpo")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("Registre des traitements", text)
        filled = self.entry(text, "Certificat de résidence")
        self.assertIn("Délivrer un certificat de résidence.", filled)
        self.assertIn("Loi du 19 juillet 1991", filled)
        self.assertIn("Identité (nom, prénom, date de naissance)", filled)
        self.assertIn("État civil", filled)
        self.assertIn("12 mois après la clôture", filled)
        self.assertRegex(filled, r'class="register-cases"\s*>1<')
        self.assertNotIn("À compléter", filled)
        bare = self.entry(text, "Permis de location")
        self.assertIn("À compléter", bare)
        self.assertIn("Aucune durée de conservation fixée", bare)
        self.assertRegex(bare, r'class="register-cases"\s*>0<')
        self.assertIn("register.css", text)
        css = self.get(f"{self.base}/++plone++imio.eguichet/register.css")
        self.assertIn("@media print", css.text)

    def test_for_the_dpo_and_the_site_administrators_only(self):
        for username in ("dpo", "site_admin"):
            for url in (self.url, f"{self.url}.csv"):
                response = self.get(url, username=username)
                self.assertEqual(response.status_code, 200, (username, url))
        for username in ("agent", "service_agent", "editor", "marie", None):
            for url in (self.url, f"{self.url}.csv"):
                response = self.get(url, username=username)
                self.assertIn(response.status_code, (302, 401, 403), (username, url))
                self.assertNotIn("Loi du 19 juillet", response.text)

    def test_csv(self):
        response = self.get(f"{self.url}.csv", username="dpo")
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        rows = list(
            csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        )
        self.assertEqual(rows[0][0], "Traitement (formulaire)")
        by_title = {row[0]: row for row in rows[1:]}
        self.assertEqual(by_title["Permis de location"][-1], "À compléter")
        filled = by_title["Certificat de résidence"]
        self.assertEqual(filled[-1], "Complet")
        self.assertEqual(filled[-2], "1")
        self.assertIn("Coordonnées", filled[3])

    def test_in_german(self):
        api.portal.set_registry_record("plone.default_language", "de")
        api.portal.set_registry_record("plone.available_languages", ["de"])
        transaction.commit()
        text = self.get(self.url, username="dpo").text
        self.assertIn("Verzeichnis der Verarbeitungstätigkeiten", text)
        self.assertIn("Zu ergänzen", text)
        self.assertIn("12 Monate nach Abschluss", text)
        self.assertIn("Zweck der Verarbeitung", text)


class TestLibraryRegisterDefaults(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])

    def test_every_library_form_is_installed_with_its_register_entry(self):
        for ready in available_forms():
            self.assertTrue(ready.purpose, ready.id)
            self.assertTrue(ready.legal_basis, ready.id)
            self.assertTrue(ready.data_categories, ready.id)
            self.assertLessEqual(set(ready.data_categories), set(DATA_CATEGORIES))
            settings = IEguichetForm(install_form(self.portal, ready.id, SERVICE))
            self.assertEqual(settings.purpose, ready.purpose)
            self.assertEqual(settings.legal_basis, ready.legal_basis)
            self.assertEqual(settings.data_categories, list(ready.data_categories))
        certificate = self.portal["certificat-de-residence"]
        self.assertIn("Loi du 19 juillet 1991", certificate.legal_basis)
        self.assertIn("16 juillet 1992", certificate.legal_basis)
        self.assertIn("health", self.portal["inscription-stage"].data_categories)

        entries = RegisterView(self.portal, self.layer["request"]).entries()
        self.assertEqual(len(entries), len(available_forms()))
        self.assertFalse([entry["title"] for entry in entries if entry["incomplete"]])
