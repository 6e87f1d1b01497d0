"""Each field type of the form editor: described by @eguichet-forms, sent to @submit."""

from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.reference import normalize_reference
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import phone_photo
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import base64
import functools
import hashlib
import requests
import transaction
import unittest


def field(name, field_type, extra=""):
    return (
        f'    <field name="{name}" type="{field_type}"{extra}>\n'
        f"      <title>{name}</title>\n"
        "      <required>False</required>\n"
        "    </field>\n"
    )


CHOICES = (
    "      <values>\n"
    '        <element key="pothole">Nid-de-poule</element>\n'
    '        <element key="lighting">Éclairage en panne</element>\n'
    "      </values>\n"
)


def choice_field(name, field_type):
    body = CHOICES
    if field_type == "zope.schema.Set":
        choice = '      <value_type type="zope.schema.Choice">\n'
        body = f"{choice}{CHOICES}      </value_type>\n"
    return (
        f'    <field name="{name}" type="{field_type}">\n'
        f"      <title>{name}</title>\n"
        "      <required>False</required>\n"
        f"{body}    </field>\n"
    )


EASYFORM = 'xmlns:easyform="http://namespaces.plone.org/supermodel/easyform"'
MODEL = (
    f'<model xmlns="http://namespaces.plone.org/supermodel/schema" {EASYFORM}>\n'
    "  <schema>\n"
    + field("a_textline", "zope.schema.TextLine")
    + field("a_text", "zope.schema.Text")
    + field("a_richtext", "plone.app.textfield.RichText")
    + field("an_int", "zope.schema.Int")
    + field("a_float", "zope.schema.Float")
    + field("a_decimal", "zope.schema.Decimal")
    + field("a_bool", "zope.schema.Bool")
    + choice_field("a_choice", "zope.schema.Choice")
    + choice_field("a_set", "zope.schema.Set")
    + field("a_date", "zope.schema.Date")
    + field("a_datetime", "zope.schema.Datetime")
    + field("an_email", "plone.schema.email.Email")
    + field("an_uri", "zope.schema.URI")
    + field("a_file", "plone.namedfile.field.NamedBlobFile")
    + field("an_image", "plone.namedfile.field.NamedBlobImage")
    + field("an_iban", "zope.schema.TextLine", ' easyform:validators="isIBAN"')
    + "  </schema>\n</model>\n"
)

PHOTO_NAME = "Nid de poule rue de Fer.jpg"
PDF = b"%PDF-1.4\n" + b"Attestation de domicile, rue de Fer 42, 5000 Namur\n" * 2000


def file_object(data, filename, content_type):
    return {
        "data": base64.b64encode(data).decode(),
        "filename": filename,
        "content-type": content_type,
    }


# name: (what the schema says, a valid value, as the case keeps it, an invalid
# value, the message that refuses it)
TYPES = {
    "a_textline": (
        {"type": "string"},
        "Rue de Fer 42",
        "Rue de Fer 42",
        "deux\nlignes",
        "Saisissez une seule ligne de texte.",
    ),
    "a_text": (
        {"type": "string", "widget": "textarea"},
        "Un trou profond\ndevant l'arrêt de bus.",
        "Un trou profond\ndevant l'arrêt de bus.",
        12,
        "Saisissez un texte.",
    ),
    "a_richtext": (
        {"type": "string", "widget": "richtext"},
        {"data": "<p>Un trou profond</p>", "content-type": "text/html"},
        "<p>Un trou profond</p>",
        12,
        "Cette valeur n'est pas valide.",
    ),
    "an_int": (
        {"type": "integer"},
        80,
        80,
        "quatre-vingts",
        "Saisissez un nombre entier.",
    ),
    "a_float": (
        {"type": "number"},
        12.5,
        12.5,
        "douze",
        "Saisissez un nombre.",
    ),
    "a_decimal": (
        {"type": "number"},
        "150.00",
        "150.00",
        "cent cinquante",
        "Saisissez un nombre.",
    ),
    "a_bool": (
        {"type": "boolean"},
        True,
        True,
        "peut-être",
        "Répondez par true ou false.",
    ),
    "a_choice": (
        {"type": "string", "enum": ["pothole", "lighting"]},
        "lighting",
        "lighting",
        "tremblement",
        "Choisissez une des valeurs proposées.",
    ),
    "a_set": (
        {"type": "array", "uniqueItems": True},
        ["pothole", "lighting"],
        ["lighting", "pothole"],
        ["pothole", "tremblement"],
        "Choisissez parmi les valeurs proposées, dans une liste.",
    ),
    "a_date": (
        {"type": "string", "widget": "date", "format": "date"},
        "2027-03-20",
        "2027-03-20",
        "20 mars",
        "Saisissez une date au format AAAA-MM-JJ (ou JJ/MM/AAAA), "
        "par exemple 2026-03-20.",
    ),
    "a_datetime": (
        {"type": "string", "widget": "datetime", "format": "date-time"},
        "2027-03-20T14:30:00+01:00",
        "2027-03-20T14:30:00+01:00",
        "demain",
        "Saisissez une date et une heure au format AAAA-MM-JJTHH:MM, "
        "par exemple 2026-03-20T14:30.",
    ),
    "an_email": (
        {"type": "string", "widget": "email"},
        "marie.dupont@example.org",
        "marie.dupont@example.org",
        "marie.dupont",
        "Saisissez une adresse e-mail, par exemple marie.dupont@example.org.",
    ),
    "an_uri": (
        {"type": "string", "widget": "url"},
        "https://www.namur.be/",
        "https://www.namur.be/",
        "pas une adresse",
        "Saisissez une adresse commençant par https://.",
    ),
    "a_file": (
        {"type": "object", "widget": "file", "required": ["data"]},
        file_object(PDF, "Attestation de résidence.pdf", "application/pdf"),
        {"filename": "Attestation de résidence.pdf", "size": len(PDF)},
        {"data": "%%% pas du base64", "filename": "a.pdf"},
        "Envoyez le fichier comme un objet dont le contenu est en base64 : "
        "data, filename, content-type.",
    ),
    "an_image": (
        {"type": "object", "widget": "image", "required": ["data"]},
        None,  # the photo, made once: see photo()
        None,
        file_object(PDF, "photo.jpg", "image/jpeg"),
        "Envoyez une image (JPEG, PNG…) comme un objet dont le contenu est en "
        "base64 : data, filename, content-type.",
    ),
    "an_iban": (
        {"type": "string", "validators": ["isIBAN"]},
        "BE31 4354 1116 1155",
        "BE31 4354 1116 1155",
        "BE31 4354 1116 1156",
        "Le numéro de compte IBAN n'est pas valide (chiffres de contrôle incorrects).",
    ),
}


@functools.cache
def photo() -> bytes:
    return phone_photo(seed=7)


class TestSubmitFieldTypes(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal, form_id="tous-les-champs")
        self.form.fields_model = MODEL
        transaction.commit()
        self.submit_url = f"{self.form.absolute_url()}/++api++/@submit"

    def valid(self, name):
        if name == "an_image":
            return file_object(photo(), PHOTO_NAME, "image/jpeg")
        return TYPES[name][1]

    def post(self, payload):
        return requests.post(
            self.submit_url,
            json=payload,
            headers={"Accept": "application/json", "Accept-Language": "fr"},
            timeout=60,
        )

    def test_the_schema_describes_each_field_type(self):
        response = requests.get(
            f"{self.portal.absolute_url()}/++api++/@eguichet-forms",
            headers={"Accept": "application/json", "Accept-Language": "fr"},
            timeout=30,
        )
        self.assertEqual(response.status_code, 200, response.text)
        (item,) = [i for i in response.json()["items"] if i["id"] == self.form.id]
        properties = item["schema"]["properties"]
        self.assertEqual(set(properties), set(TYPES))
        for name, (described, *_rest) in TYPES.items():
            with self.subTest(field=name):
                for key, value in described.items():
                    self.assertEqual(properties[name].get(key), value, properties[name])

    def test_each_field_type_accepts_a_valid_value(self):
        payload = {name: self.valid(name) for name in TYPES}
        response = self.post(payload)
        self.assertEqual(response.status_code, 201, response.text)
        transaction.begin()
        reference = normalize_reference(response.json()["reference"])
        case = get_cases_folder(self.portal)[reference]
        for name, (_described, _valid, kept, *_rest) in TYPES.items():
            with self.subTest(field=name):
                if name == "an_image":
                    kept = {
                        "filename": PHOTO_NAME,
                        "size": len(photo()),
                    }
                value = case.values[name]
                if name == "a_set":
                    value = sorted(value)
                self.assertEqual(value, kept)
        self.assertEqual(
            hashlib.sha256(case.attachments["an_image"].data).hexdigest(),
            hashlib.sha256(photo()).hexdigest(),
        )
        self.assertEqual(case.attachments["a_file"].data, PDF)

    def test_each_field_type_refuses_an_invalid_value_in_french(self):
        for name, (_described, _valid, _kept, invalid, message) in TYPES.items():
            with self.subTest(field=name):
                response = self.post({name: invalid})
                self.assertEqual(response.status_code, 400, response.text)
                self.assertEqual(response.json()["errors"], {name: message})
        transaction.begin()
        self.assertEqual(len(get_cases_folder(self.portal)), 0)

    def test_dates_as_belgians_write_them(self):
        response = self.post({"a_date": "20/03/2027"})
        self.assertEqual(response.status_code, 201, response.text)
        transaction.begin()
        reference = normalize_reference(response.json()["reference"])
        case = get_cases_folder(self.portal)[reference]
        self.assertEqual(case.values["a_date"], "2027-03-20")
