"""The pages a citizen goes through, after GOV.UK's question pages.

An introduction before the first field, "(facultatif)" instead of a red dot,
a back link, one primary button per step, "Modifier" beside each answer, the
confirmation of a request, and the sign-in that comes back to the form.
"""

from imio.eguichet.identity import LEVEL_HIGH
from imio.eguichet.library import install_form
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import citizen_cookies
from imio.eguichet.tests.library_helpers import eguichet_folder
from imio.eguichet.tests.library_helpers import JULIEN
from imio.eguichet.tests.library_helpers import MARIE
from lxml import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import transaction
import unittest


ANSWERS = {
    "fullname": "Marie Dupont",
    "email": "marie.dupont@example.org",
}


def words(node) -> str:
    return " ".join(node.text_content().split())


def texts(page, xpath) -> list[str]:
    return [words(node) for node in html.fromstring(page.text).xpath(xpath)]


class TestFormPages(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.portal.title = "Ville de Namur"
        self.folder = eguichet_folder(self.portal)
        # Signed-in citizens only, with all its introduction.
        self.residence = install_form(
            self.folder, "certificat-de-residence", processing_service=SERVICE
        )
        # Anyone may send it, with optional fields.
        self.simple = add_form(self.folder, form_id="inscription", delay_days=1)
        self.simple.setLayout("demande")
        # Any signed-in citizen may send it.
        self.loss = install_form(self.folder, "declaration-perte-document")
        self.high_session = citizen_cookies(self.layer["request"], MARIE, LEVEL_HIGH)
        transaction.commit()
        self.citizen = Citizen()
        # Signed in with her identity card: the residence form's fields are hers.
        self.marie = Citizen(cookies=self.high_session)

    def tearDown(self):
        self.citizen.close()
        self.marie.close()

    def session_at(self, level: int) -> dict:
        cookies = citizen_cookies(self.layer["request"], JULIEN, level)
        transaction.commit()
        return cookies

    def test_the_introduction_comes_before_the_first_field(self):
        page = self.marie.get(self.residence.absolute_url())
        self.assertEqual(page.status_code, 200)
        tree = html.fromstring(page.text)
        intro = tree.xpath("//section[contains(@class, 'eguichet-intro')]")[0]
        self.assertEqual(words(intro.xpath("h2")[0]), "Avant de commencer")
        self.assertEqual(
            texts(page, "//ul[@class='eguichet-documents']/li"),
            [
                "Votre carte d'identité électronique et son code PIN, "
                "pour vous connecter"
            ],
        )
        facts = [
            words(li)
            for li in intro.xpath(
                ".//ul[@class and contains(@class, 'eguichet-facts')]/li"
            )
        ]
        self.assertEqual(
            facts,
            [
                "Remplir le formulaire prend environ 5 minutes.",
                "Coût : 3,00 €",
                "Votre demande est traitée dans un délai de 2 jours.",
                "Vous devez vous connecter avec votre carte d'identité (eID) ou "
                "itsme pour envoyer ce formulaire.",
                "Vos réponses sont traitées par le service État civil (Ville de "
                "Namur), uniquement pour répondre à votre demande.",
                "Elles sont conservées 12 mois après la clôture de votre demande.",
            ],
        )
        # All of it before the first field.
        self.assertLess(
            page.text.index("eguichet-intro"), page.text.index('id="form-widgets-')
        )

    def test_one_day_and_no_sign_in_for_a_form_anyone_may_send(self):
        page = self.citizen.get(self.simple.absolute_url())
        facts = texts(page, "//ul[contains(@class, 'eguichet-facts')]/li")
        self.assertIn("Votre demande est traitée dans un délai d'un jour.", facts)
        self.assertIn("Vous pouvez envoyer ce formulaire sans vous connecter.", facts)
        self.assertEqual(texts(page, "//*[@class='eguichet-sign-in']"), [])
        # No fee, no documents: nothing said about them.
        self.assertEqual(texts(page, "//ul[@class='eguichet-documents']"), [])
        self.assertFalse([fact for fact in facts if fact.startswith("Coût")])

    def test_optional_fields_say_so_and_required_ones_have_no_marker(self):
        page = self.citizen.get(self.simple.absolute_url())
        tree = html.fromstring(page.text)
        labels = [words(label) for label in tree.xpath("//form[@id='form']//label")]
        self.assertIn("Nom et prénom", labels)
        self.assertIn("Motif de la demande (facultatif)", labels)
        self.assertIn("Pièce jointe (facultatif)", labels)
        self.assertEqual(
            tree.xpath("//form[@id='form']//label//*[contains(@class, 'required')]"), []
        )

    def test_every_label_names_the_control_it_labels(self):
        # A file field's label pointed at the widget's wrapper <div>: a click
        # on it opened nothing, and screen readers named no field.
        for form in (self.simple, self.residence):
            page = self.marie.get(form.absolute_url())
            tree = html.fromstring(page.text)
            labels = tree.xpath("//form[@id='form']//label[@for]")
            self.assertTrue(labels)
            for label in labels:
                with self.subTest(form=form.getId(), label=words(label)):
                    [control] = tree.xpath(f"//*[@id='{label.get('for')}']")
                    self.assertIn(control.tag, ("input", "select", "textarea"))
                    self.assertNotEqual(control.get("type"), "hidden")

    def test_errors_listed_above_the_form_with_links_to_their_fields(self):
        page = self.citizen.fill(self.simple.absolute_url(), {"fullname": ""})
        tree = html.fromstring(page.text)
        summary = tree.xpath("//div[contains(@class, 'eguichet-error-summary')]")[0]
        self.assertEqual(words(summary.xpath("h2")[0]), "Il y a un problème")
        links = summary.xpath(".//a")
        self.assertEqual(
            [link.get("href") for link in links],
            ["#form-widgets-fullname", "#form-widgets-email"],
        )
        self.assertTrue(words(links[0]).startswith("Nom et prénom : "))
        # Said once: not a second time in Plone's message above the form.
        self.assertEqual(tree.xpath("//*[contains(@class, 'portalMessage')]"), [])
        # The browser takes the citizen there, not to the first field.
        self.assertIsNotNone(summary.get("autofocus"))
        form = tree.xpath("//form[@id='form']")[0]
        self.assertNotIn("pat-formautofocus", form.get("class"))

    def test_back_link_and_one_primary_button_per_step(self):
        page = self.citizen.get(self.simple.absolute_url())
        tree = html.fromstring(page.text)
        back = tree.xpath("//a[contains(@class, 'eguichet-back')]")[0]
        self.assertEqual(words(back), "Retour")
        self.assertEqual(back.get("href"), self.folder.absolute_url())
        buttons = tree.xpath("//form[@id='form']//*[contains(@class, 'btn-primary')]")
        self.assertEqual([button.get("value") for button in buttons], ["Continuer"])
        summary = self.citizen.fill(self.simple.absolute_url(), ANSWERS)
        tree = html.fromstring(summary.text)
        primary = tree.xpath(
            "//*[contains(@class, 'eguichet-check-answers')]"
            "//*[contains(@class, 'btn-primary')]"
        )
        self.assertEqual([words(button) for button in primary], ["Envoyer"])
        self.assertEqual(words(tree.xpath("//h1")[0]), "Vérifiez vos réponses")

    def test_modifier_beside_each_answer_goes_back_to_its_field(self):
        summary = self.citizen.fill(self.simple.absolute_url(), ANSWERS)
        rows = html.fromstring(summary.text).xpath(
            "//div[contains(@class, 'eguichet-summary-row')]"
        )
        self.assertEqual(
            [words(row.xpath("dt")[0]) for row in rows],
            ["Nom et prénom", "Adresse e-mail", "Motif de la demande", "Pièce jointe"],
        )
        changes = [
            row.xpath(".//button[@name='form.buttons.modify']")[0] for row in rows
        ]
        self.assertEqual(
            [words(change) for change in changes],
            [
                "Modifier Nom et prénom",
                "Modifier Adresse e-mail",
                "Modifier Motif de la demande",
                "Modifier Pièce jointe",
            ],
        )
        self.assertEqual(
            changes[1].get("formaction"),
            f"{self.simple.absolute_url()}#form-widgets-email",
        )
        # Pressed, the form comes back with the answers.
        form = html.fromstring(summary.text).xpath(
            "//div[@class='eguichet-check-answers']//form"
        )[0]
        data = [
            (field.name, field.value)
            for field in form.xpath(".//input[@type='hidden']")
        ]
        data.append(("form.buttons.modify", "modify"))
        again = self.citizen.session.post(changes[1].get("formaction"), data=data)
        field = html.fromstring(again.text).xpath("//input[@id='form-widgets-email']")[
            0
        ]
        self.assertEqual(field.get("value"), ANSWERS["email"])

    def test_the_confirmation_of_a_request(self):
        summary = self.citizen.fill(self.simple.absolute_url(), ANSWERS)
        sent = self.citizen.press(summary, "send")
        self.assertEqual(texts(sent, "//h1"), ["Votre demande a bien été envoyée"])
        self.assertIn("Et maintenant ?", texts(sent, "//h2"))
        self.assertNotIn("Merci", sent.text)

    def sign_in_link(self, page):
        """The "Se connecter" link: its text, and where it leads (a dict)."""
        [link] = html.fromstring(page.text).xpath("//p[@class='eguichet-sign-in']/a")
        url = urlsplit(link.get("href"))
        return words(link), {
            "page": f"{url.scheme}://{url.netloc}{url.path}",
            **{name: values[0] for name, values in parse_qs(url.query).items()},
        }

    def fields(self, page) -> list:
        return html.fromstring(page.text).xpath("//form[@id='form']")

    def test_a_form_that_needs_sign_in_says_so_and_comes_back(self):
        page = self.citizen.get(self.loss.absolute_url())
        self.assertEqual(page.text.count("Vous devez être connecté"), 1)
        self.assertEqual(
            self.sign_in_link(page),
            (
                "Se connecter",
                {
                    "page": f"{self.portal.absolute_url()}/login",
                    "came_from": self.loss.absolute_url(),
                },
            ),
        )
        # Signing in comes first: no field to fill in for nothing.
        self.assertEqual(self.fields(page), [])
        # Signed in, even with a Plone account: the fields, with no button.
        signed_in = Citizen(auth=(TEST_USER_NAME, TEST_USER_PASSWORD))
        try:
            page = signed_in.get(self.loss.absolute_url())
        finally:
            signed_in.close()
        self.assertEqual(texts(page, "//p[@class='eguichet-sign-in']"), [])
        self.assertTrue(self.fields(page))
        self.assertIn(
            "Vous devez être connecté pour envoyer ce formulaire.",
            texts(page, "//ul[contains(@class, 'eguichet-facts')]/li"),
        )

    def test_a_form_for_eid_or_itsme_asks_for_them_first(self):
        page = self.citizen.get(self.residence.absolute_url())
        self.assertIn(
            "Vous devez vous connecter avec votre carte d'identité (eID) ou itsme "
            "pour envoyer ce formulaire.",
            texts(page, "//ul[contains(@class, 'eguichet-facts')]/li"),
        )
        text, target = self.sign_in_link(page)
        self.assertEqual(text, "Se connecter")
        self.assertEqual(target["came_from"], self.residence.absolute_url())
        self.assertEqual(self.fields(page), [])
        self.assertEqual(texts(page, "//*[@class='eguichet-step-up']"), [])

    def test_the_citizen_sign_in_at_the_forms_level_once_a_provider_serves(self):
        api.portal.set_registry_record(
            "imio.eguichet.identity.issuer",
            "https://idp.iamfas.int.belgium.be/fas/oauth2",
        )
        api.portal.set_registry_record("imio.eguichet.identity.client_id", "namur")
        transaction.commit()
        for form, level in ((self.residence, "400"), (self.loss, "100")):
            with self.subTest(form=form.getId()):
                _text, target = self.sign_in_link(self.citizen.get(form.absolute_url()))
                self.assertEqual(
                    target,
                    {
                        "page": f"{self.portal.absolute_url()}/@@citizen-login",
                        "came_from": form.absolute_url(),
                        "level": level,
                    },
                )

    def test_a_session_below_eid_or_itsme_is_asked_to_sign_in_again(self):
        for who, session in (
            ("codes", Citizen(cookies=self.session_at(300))),
            ("plone", Citizen(auth=(TEST_USER_NAME, TEST_USER_PASSWORD))),
        ):
            with self.subTest(who=who):
                try:
                    page = session.get(self.residence.absolute_url())
                finally:
                    session.close()
                self.assertEqual(
                    texts(page, "//*[@class='eguichet-step-up']"),
                    [
                        "Vous êtes connecté, mais ce formulaire demande une "
                        "connexion avec votre carte d'identité (eID) ou itsme. "
                        "Connectez-vous à nouveau avec l'une d'elles."
                    ],
                )
                text, target = self.sign_in_link(page)
                self.assertEqual(text, "Se connecter")
                self.assertEqual(target["came_from"], self.residence.absolute_url())
                self.assertEqual(self.fields(page), [])

    def test_eid_or_itsme_opens_the_fields(self):
        page = self.marie.get(self.residence.absolute_url())
        self.assertEqual(texts(page, "//p[@class='eguichet-sign-in']"), [])
        self.assertEqual(texts(page, "//*[@class='eguichet-step-up']"), [])
        self.assertTrue(self.fields(page))

    def test_what_editors_typed_is_neither_translated_nor_markup(self):
        self.simple.description = "Pour <b>vous</b> inscrire"
        self.simple.title = "Send"
        transaction.commit()
        page = self.citizen.get(self.simple.absolute_url())
        self.assertIn("Pour &lt;b&gt;vous&lt;/b&gt; inscrire", page.text)
        # A title that happens to be a message id is shown as typed.
        self.assertEqual(texts(page, "//h1"), ["Send"])


class TestPageLayoutsAndTitles(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        # A browser that asks for French.
        self.request.environ["HTTP_ACCEPT_LANGUAGE"] = "fr"
        self.request["LANGUAGE"] = "fr"
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(self.portal)
        self.form.setLayout("demande")

    def view(self, name, context=None):
        return api.content.get_view(name, context or self.form, self.request)

    def test_the_citizens_pages_are_transactional_with_their_titles(self):
        form_view = self.view("demande")
        form_view.update()
        self.assertEqual(form_view.page_layout, "transactional")
        self.assertEqual(form_view.page_title, "Certificat de résidence")
        # With a mistake, the title says so first.
        form_view.form_instance.error_summary = lambda: [{"label": None}]
        self.assertEqual(form_view.page_title, "Erreur : Certificat de résidence")
        del form_view.form_instance.error_summary
        form_view.form_instance.step = "check"
        self.assertEqual(
            form_view.page_title, "Vérifiez vos réponses — Certificat de résidence"
        )
        confirmation = self.view("demande-envoyee")
        self.assertEqual(confirmation.page_layout, "transactional")
        self.assertEqual(
            confirmation.page_title, "Demande envoyée — Certificat de résidence"
        )
        follow = self.view("suivi", self.portal)
        self.assertEqual(follow.page_layout, "transactional")
        self.assertEqual(follow.page_title, "Suivre votre demande")
        self.assertEqual(
            self.view("mes-demarches", self.portal).page_title, "Mes démarches"
        )

    def test_in_german(self):
        self.request.environ["HTTP_ACCEPT_LANGUAGE"] = "de"
        self.request["LANGUAGE"] = "de"
        form_view = self.view("demande")
        form_view.update()
        form_view.form_instance.step = "check"
        self.assertEqual(
            form_view.page_title,
            "Überprüfen Sie Ihre Angaben — Certificat de résidence",
        )
        self.assertEqual(
            self.view("demande-envoyee").page_title,
            "Antrag gesendet — Certificat de résidence",
        )
