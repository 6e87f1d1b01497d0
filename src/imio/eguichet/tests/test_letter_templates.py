"""Letter templates per form, the letterhead's limits, producing and downloading."""

from base64 import b64encode
from datetime import datetime
from datetime import UTC
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from imio.belgium.testing import at
from imio.eguichet import audit
from imio.eguichet.letters import letter_html
from imio.eguichet.letters import render_pdf
from imio.eguichet.letters import store_letter
from imio.eguichet.letters.templates import check_template
from imio.eguichet.letters.templates import default_template
from imio.eguichet.letters.templates import fill
from imio.eguichet.letters.templates import form_template
from imio.eguichet.letters.templates import save_template
from imio.eguichet.letters.templates import TemplateError
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.upgrades.v1012 import add_letter_template_action
from imio.eguichet.tests.test_letters import read
from imio.eguichet.tests.test_workflow import PASSWORD
from imio.eguichet.tests.test_workflow import WorkflowTestCase
from plone import api
from plone.app.testing import setRoles
from zope.i18n import translate

import io
import pypdf
import re
import requests
import tempfile
import threading
import transaction
import unittest


def png() -> bytes:
    """A small PNG: what an image the letter may or may not show is."""
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (4, 4), "#005a85").save(data, format="PNG")
    return data.getvalue()


def images(pdf: bytes) -> int:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return sum(len(page.images) for page in reader.pages)


class TestTemplateChecks(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def message(self, text):
        with self.assertRaises(TemplateError) as raised:
            check_template(text)
        return translate(raised.exception.message, target_language="fr")

    def test_the_default_template_is_valid_in_french_and_german(self):
        for language in ("fr", "de"):
            check_template(default_template(language))
        self.assertIn("Référence : ${reference}", default_template("fr"))
        self.assertIn("Referenz: ${reference}", default_template("de"))

    def test_unknown_placeholder_is_named(self):
        self.assertEqual(
            self.message("<p>${reference} ${adresse}</p>"),
            "Champ de fusion inconnu : ${adresse}. Utilisez uniquement les champs "
            "de fusion listés ci-dessous.",
        )

    def test_unclosed_placeholder(self):
        self.assertIn("n'est pas fermé", self.message("<p>${reference</p>"))

    def test_html_that_cannot_be_read(self):
        self.assertEqual(
            self.message("<div><p>${decision}</p>"),
            "Le HTML ne peut pas être lu : l'élément <div> n'est pas fermé.",
        )
        self.assertIn("</span>", self.message("<p>${decision}</span></p>"))
        self.assertIn("vide", self.message("   "))

    def test_end_tags_that_html_lets_out_are_fine(self):
        check_template("<ul><li>${reference}<li>${form}</ul><p>${date}<br>")

    def test_values_are_escaped_and_keep_their_lines(self):
        filled = fill(
            "<p>${motivation}</p>",
            {"motivation": '<script>alert("x")</script>\nSecond'},
        )
        self.assertEqual(
            filled,
            "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br />Second</p>",
        )


class TestLetterFetchesNothing(unittest.TestCase):
    """A template's image or stylesheet from an address is left out."""

    def setUp(self):
        self.requests = []
        test = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                test.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(png())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.folder = tempfile.TemporaryDirectory()
        self.file = f"{self.folder.name}/logo.png"
        with open(self.file, "wb") as image:
            image.write(png())

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()
        self.folder.cleanup()

    def render(self, body):
        shell = f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'
        return render_pdf(shell)

    def test_network_and_disk_are_not_read(self):
        pdf = self.render(
            f'<link rel="stylesheet" href="{self.url}/style.css">'
            f'<img src="{self.url}/logo.png" alt="">'
            f'<img src="file://{self.file}" alt="">'
            '<img src="file:///etc/passwd" alt="">'
            "<p>Lettre</p>"
        )
        self.assertEqual(self.requests, [])
        self.assertEqual(images(pdf), 0)
        self.assertIn("Lettre", read(pdf)[0])

    def test_a_data_uri_is_shown(self):
        uri = "data:image/png;base64," + b64encode(png()).decode()
        pdf = self.render(f'<img src="{uri}" alt=""><p>Lettre</p>')
        self.assertEqual(images(pdf), 1)


class LettersTestCase(WorkflowTestCase):
    def setUp(self):
        super().setUp()
        api.user.create(
            email="secretaire@namur.example", username="secretaire", password=PASSWORD
        )
        setRoles(self.portal, "secretaire", ["Site Administrator"])
        transaction.commit()

    def session(self, username):
        browser = requests.Session()
        browser.auth = (username, PASSWORD)
        return browser

    def token(self, browser, url):
        page = browser.get(url, timeout=30)
        found = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', page.text)
        return found.group(1)


class TestFormTemplate(LettersTestCase):
    def test_the_forms_template_and_legal_basis_make_the_letter(self):
        save_template(
            self.form,
            "<h2>Décision de la commune ${commune}</h2>"
            "<p>${reference}: ${decision} ${motivation}</p>"
            "<p>${legal_basis}</p><p>${appeal}</p>",
        )
        self.form.legal_basis = "Loi du 19 juillet 1991 relative aux registres"
        self.move("agent", "receive")
        self.move("agent", "start")
        with at(2026, 3, 14, 10, 30):
            store_letter(self.case, "refuse", "Le bail <b>n'est pas</b> signé.")
        text, pdfa = read(self.case.letter.data)
        self.assertIn("Décision de la commune", text)
        self.assertIn(self.case.formatted_reference(), text)
        self.assertIn("Votre demande a été refusée.", text)
        self.assertIn("Le bail <b>n'est pas</b> signé.", text)
        self.assertIn(
            "Base légale : Loi du 19 juillet 1991 relative aux registres", text
        )
        self.assertIn("Conseil d'État", text)
        self.assertEqual(pdfa, {"part": "3", "conformance": "B"})

    def test_without_a_legal_basis_the_communes_rules(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        store_letter(self.case, "refuse", "Non signé.")
        text, _pdfa = read(self.case.letter.data)
        self.assertIn(
            "Base légale : le règlement communal applicable à cette demande.", text
        )

    def test_the_letterhead_is_the_communes(self):
        html = letter_html("<p>${commune}</p>", {"commune": "Namur"})
        self.assertIn('class="commune"', html)


class TestGermanLetter(LettersTestCase):
    language = "de"

    def test_a_german_speaking_commune_writes_in_german(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        with at(2026, 3, 14, 10, 30):
            store_letter(
                self.case, "refuse", "Der Mietvertrag ist nicht unterschrieben."
            )
        text, _pdfa = read(self.case.letter.data)
        self.assertIn(f"Referenz: {self.case.formatted_reference()}", text)
        self.assertIn("Ihr Antrag wurde abgelehnt.", text)
        self.assertIn("Rechtsgrundlage: die auf diesen Antrag anwendbare", text)
        self.assertIn("14. März 2026", text)


class TestTemplateEditor(LettersTestCase):
    def url(self):
        return f"{self.form.absolute_url()}/@@modele-de-lettre"

    def post(self, browser, **data):
        data["_authenticator"] = self.token(browser, self.url())
        return browser.post(self.url(), data=data, timeout=60)

    def test_the_administrator_reads_the_default_and_the_placeholders(self):
        page = self.session("secretaire").get(self.url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Référence : ${reference}", page.text)
        for name in ("${motivation}", "${legal_basis}", "${appeal}", "${function}"):
            self.assertIn(name, page.text)
        self.assertIn("Ce formulaire utilise le modèle par défaut.", page.text)

    def test_agents_may_not_edit_templates(self):
        browser = self.session("agent")
        page = browser.get(self.url(), timeout=30, allow_redirects=False)
        self.assertIn(page.status_code, (302, 401, 403))
        self.assertNotIn("letter_template", page.text)

    def test_save_preview_and_reset(self):
        browser = self.session("secretaire")
        mine = "<p>Namur, ${date}</p><p>${decision}</p><p>${motivation}</p>"
        response = self.post(browser, letter_template=mine, save="1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Le modèle de lettre a été enregistré.", response.text)
        transaction.begin()
        self.assertEqual(form_template(self.form), mine)

        preview = self.post(browser, letter_template=mine, preview="1")
        self.assertEqual(preview.headers["Content-Type"], "application/pdf")
        text, _pdfa = read(preview.content)
        self.assertIn("Votre demande a été refusée.", text)
        self.assertIn("Le bail joint à la demande n'est pas signé", text)

        response = self.post(browser, reset="1")
        self.assertIn("Le modèle de lettre par défaut est rétabli.", response.text)
        transaction.begin()
        self.assertIsNone(form_template(self.form))

    def test_an_unknown_placeholder_stores_nothing(self):
        browser = self.session("secretaire")
        response = self.post(
            browser, letter_template="<p>${numero_national}</p>", save="1"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Champ de fusion inconnu : ${numero_national}", response.text)
        self.assertIn("&lt;p&gt;${numero_national}&lt;/p&gt;", response.text)
        transaction.begin()
        self.assertIsNone(form_template(self.form))
        response = self.post(browser, letter_template="<div>${date}", preview="1")
        self.assertEqual(response.status_code, 400)
        self.assertIn("n'est pas fermé", response.text)

    def test_no_change_without_the_pages_token(self):
        response = self.session("secretaire").post(
            self.url(), data={"letter_template": "<p>${date}</p>", "save": "1"}
        )
        self.assertEqual(response.status_code, 403)
        transaction.begin()
        self.assertIsNone(form_template(self.form))


class TestProduceAndDownload(LettersTestCase):
    def setUp(self):
        super().setUp()
        self.case.manage_setLocalRoles("jean", ["Owner"])
        self.case.applicant_id = "jean"
        self.case.reindexObject()
        api.user.create(email="paul@example.org", username="paul", password=PASSWORD)
        api.user.create(email="jean2@example.org", username="jean2")
        api.user.get(username="jean").setSecurityProfile(password=PASSWORD)
        transaction.commit()

    def produce(self, browser, motivation):
        token = self.token(browser, self.case.absolute_url())
        return browser.post(
            f"{self.case.absolute_url()}/@@produire-la-lettre",
            data={"motivation": motivation, "_authenticator": token},
            timeout=60,
        )

    def test_an_agent_produces_the_letter_at_any_step(self):
        self.move("agent", "receive")
        browser = self.session("agent")
        response = self.produce(browser, "Votre dossier est complet.")
        self.assertEqual(response.status_code, 200)
        self.assertIn("La lettre a été produite.", response.text)
        transaction.begin()
        text, _pdfa = read(self.case.letter.data)
        self.assertIn("Votre demande est à présent : Reçue.", text)
        self.assertIn("Votre dossier est complet.", text)
        (entry,) = audit.entries(self.portal, action="letter")
        self.assertEqual((entry["user"], entry["detail"]), ("agent", "produced"))
        self.assertEqual(entry["reference"], self.case.getId())

        download = browser.get(f"{self.case.absolute_url()}/@@lettre", timeout=30)
        self.assertEqual(download.headers["Content-Type"], "application/pdf")
        transaction.begin()
        latest = next(iter(audit.entries(self.portal, action="letter")))
        self.assertEqual(latest["detail"], "download")

    def test_an_anonymised_request_gets_no_letter(self):
        self.case.anonymised_on = datetime(2026, 6, 1, tzinfo=UTC)
        transaction.commit()
        browser = self.session("agent")
        page = browser.get(self.case.absolute_url(), timeout=30)
        self.assertNotIn("produire-la-lettre", page.text)
        response = self.produce(browser, "Votre dossier est complet.")
        self.assertIn("ne reçoit plus de lettre", response.text)
        transaction.begin()
        self.assertIsNone(self.case.letter)

    def test_the_applicant_may_not_produce_one(self):
        response = self.session("jean").post(
            f"{self.case.absolute_url()}/@@produire-la-lettre",
            data={"motivation": "x"},
            timeout=30,
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 401, 403))
        transaction.begin()
        self.assertIsNone(self.case.letter)

    def test_my_requests_offers_the_letter_to_its_owner_only(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "refuse", comment="Le bail joint n'est pas signé.")
        owner = self.session("jean")
        page = owner.get(f"{self.portal.absolute_url()}/@@mes-demarches", timeout=30)
        self.assertIn("Lettre de décision (PDF)", page.text)
        link = f"{self.case.absolute_url()}/@@lettre"
        self.assertIn(link, page.text)
        letter = owner.get(link, timeout=30)
        self.assertEqual(letter.headers["Content-Type"], "application/pdf")
        self.assertIn("Le bail joint n'est pas signé.", read(letter.content)[0])
        # The applicant's own downloads are not an agent's access.
        transaction.begin()
        self.assertEqual(list(audit.entries(self.portal, user="jean")), [])

        other = self.session("paul")
        page = other.get(f"{self.portal.absolute_url()}/@@mes-demarches", timeout=30)
        self.assertNotIn("Lettre de décision (PDF)", page.text)
        response = other.get(link, timeout=30, allow_redirects=False)
        self.assertIn(response.status_code, (302, 401, 403, 404))
        self.assertNotIn(b"%PDF", response.content)


class TestProfile(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_the_upgrade_adds_the_forms_action(self):
        portal = self.layer["portal"]
        buttons = portal.portal_actions.object_buttons
        buttons.manage_delObjects(["modele-de-lettre"])
        add_letter_template_action(portal.portal_setup)
        action = buttons["modele-de-lettre"]
        self.assertEqual(action.permissions, ("imio.eguichet: Edit Letter Templates",))

    def test_only_the_sites_administrators_edit_templates(self):
        portal = self.layer["portal"]
        roles = {
            role["name"]
            for role in portal.rolesOfPermission("imio.eguichet: Edit Letter Templates")
            if role["selected"]
        }
        self.assertEqual(roles, {"Manager", "Site Administrator"})
