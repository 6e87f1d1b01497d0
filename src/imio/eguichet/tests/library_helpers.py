"""A citizen filling e-guichet forms over HTTP, as a browser without JavaScript."""

from imio.eguichet.identity import sign_in
from imio.eguichet.identity.session import COOKIE_NAME
from lxml import html
from plone import api

import requests


NATIONAL_NUMBER = "85.07.30-033.28"
PDF = ("document.pdf", b"%PDF-1.4 copie", "application/pdf")
PNG = ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")


# Citizens as the identity provider describes them, once its claims are mapped.
MARIE = {
    "sub": "fas-7c2e9d41-marie",
    "given_name": "Marie",
    "family_name": "Dupont",
    "email": "marie.dupont@example.org",
    "language": "fr",
    "national_number": "85073003328",
}
JULIEN = {
    "sub": "fas-0b5a6e13-julien",
    "given_name": "Julien",
    "family_name": "Lambert",
    "email": "julien.lambert@example.org",
    "language": "fr",
    "national_number": "90020212372",
}


def citizen_cookies(request, claims: dict, level: int) -> dict:
    """Sign the citizen in at ``level``: the cookies of their session.

    The rest of the test's transaction runs as the citizen; commit it before
    sending the cookies over HTTP.
    """
    sign_in(request, claims, level)
    return {COOKIE_NAME: request.response.cookies[COOKIE_NAME]["value"]}


def eguichet_folder(portal):
    """The published folder where a commune keeps its online forms."""
    folder = api.content.create(
        container=portal, type="Folder", id="e-guichet", title="E-guichet"
    )
    api.content.transition(folder, "publish")
    return folder


# Valid answers for each library form, by field; files apart.
IDENTITY = {
    "lastname": "Dupont",
    "firstname": "Marie",
    "national_number": NATIONAL_NUMBER,
    "email": "marie.dupont@example.org",
}
VALID_ANSWERS = {
    "certificat-de-residence": {**IDENTITY, "delivery": "email"},
    "composition-de-menage": {**IDENTITY, "delivery": "post"},
    "extrait-acte": {
        "act_type": "naissance",
        "concerned_person": "Léa Dupont",
        "event_date": "2019-04-12",
        "event_place": "Namur",
        "relationship": "family",
        "lastname": "Dupont",
        "firstname": "Marie",
        "email": "marie.dupont@example.org",
    },
    "declaration-perte-document": {
        **IDENTITY,
        "document_type": "eid",
        "lost_on": "2026-11-02",
    },
    "reservation-salle": {
        "fullname": "Marie Dupont",
        "enterprise_number": "0207.000.968",
        "email": "marie.dupont@example.org",
        "phone": "081 24 60 00",
        "hall": "Salle des fêtes de Jambes",
        "event_date": "2027-03-20",
        "event_kind": "family",
        "guests": "80",
        "iban": "BE31 4354 1116 1155",
        "rules_accepted": "selected",
    },
    "signalement-voirie": {
        "problem": "pothole",
        "location": "Rue de Fer 42",
        "postal_code": "5000",
        "description": "Un trou profond devant l'arrêt de bus.",
        "fullname": "Marie Dupont",
        "email": "marie.dupont@example.org",
    },
    "occupation-domaine-public": {
        "fullname": "Marie Dupont",
        "email": "marie.dupont@example.org",
        "phone": "081 24 60 00",
        "occupation": "moving",
        "street": "Rue de Fer 42",
        "postal_code": "5000",
        "start_date": "2027-03-20",
        "end_date": "2027-03-21",
        "length_m": "12",
    },
    "inscription-stage": {
        "course": "Stage nature, semaine du 5 juillet",
        "child_lastname": "Dupont",
        "child_firstname": "Léa",
        "child_birth_date": "2018-04-12",
        "fullname": "Marie Dupont",
        "email": "marie.dupont@example.org",
        "phone": "0470 12 34 56",
        "street": "Rue de Fer 42",
        "postal_code": "5000",
        "locality": "Namur",
    },
    "carte-stationnement-riverain": {
        **IDENTITY,
        "street": "Rue de Fer 42",
        "postal_code": "5000",
        "plate": "1-ABC-234",
        "vehicle_use": "owned",
    },
}
VALID_FILES = {
    "signalement-voirie": {"photo": PNG},
    "carte-stationnement-riverain": {"registration_certificate": PDF},
}


def widget_data(answers: dict) -> dict:
    return {f"form.widgets.{name}": value for name, value in answers.items()}


def widget_files(files: dict) -> dict:
    return {f"form.widgets.{name}": upload for name, upload in files.items()}


class Citizen:
    """A requests session that reads the pages it is given."""

    def __init__(self, auth=None, cookies=None):
        self.session = requests.Session()
        self.session.auth = auth
        self.session.cookies.update(cookies or {})

    def close(self):
        self.session.close()

    def get(self, url):
        return self.session.get(url, timeout=30)

    def fill(self, url, answers: dict, files: dict | None = None):
        """Open the form, answer it and press Continuer."""
        page = self.get(url)
        assert page.status_code == 200, page.status_code
        form = html.fromstring(page.text).xpath("//form[@id='form']")[0]
        data = {
            field.name: field.value
            for field in form.xpath(".//input[@type='hidden']")
            if field.name
        }
        data.update(widget_data(answers))
        data["form.buttons.continue"] = "Continuer"
        return self.session.post(
            form.action, data=data, files=widget_files(files or {}), timeout=30
        )

    def press(self, page, button: str):
        """Press Modifier or Envoyer on the summary page."""
        form = html.fromstring(page.text).xpath(
            "//div[@class='eguichet-check-answers']//form"
        )[0]
        data = [
            (field.name, field.value)
            for field in form.xpath(".//input[@type='hidden']")
        ]
        data.append((f"form.buttons.{button}", button))
        return self.session.post(form.action, data=data, timeout=60)


def field_errors(page) -> dict:
    """The error shown under each field, by field name."""
    tree = html.fromstring(page.text)
    errors = {}
    for field in tree.xpath("//div[contains(@class, 'field') and @data-fieldname]"):
        message = field.xpath(".//div[contains(@class, 'invalid-feedback')]")
        if message:
            name = field.get("data-fieldname").removeprefix("form.widgets.")
            errors[name] = message[0].text_content().strip()
    return errors
