"""Every form of the library sent through @submit, every field filled, and read back."""

from imio.eguichet.behaviors import ANYONE
from imio.eguichet.identity import LEVEL_HIGH
from imio.eguichet.library import available_forms
from imio.eguichet.library import install_form
from imio.eguichet.schema import form_schema
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import phone_photo
from imio.eguichet.testing import SERVICE
from PIL import Image
from imio.eguichet.tests.library_helpers import citizen_cookies
from imio.eguichet.tests.library_helpers import eguichet_folder
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from zope.schema import getFieldNamesInOrder

import base64
import functools
import hashlib
import io
import random
import requests
import transaction
import unittest


IDENTITY = {
    "lastname": "Lambert",
    "firstname": "Élise",
    "national_number": "85.07.30-033.28",
    "email": "elise.lambert@example.org",
}
CONTACT = {
    "fullname": "Élise Lambert",
    "email": "elise.lambert@example.org",
    "phone": "081 24 60 00",
}
ANSWERS = {
    "certificat-de-residence": {
        **IDENTITY,
        "phone": "0470 12 34 56",
        "purpose": "Inscription à l'école communale de Jambes",
        "history": True,
        "delivery": "email",
    },
    "composition-de-menage": {
        **IDENTITY,
        "phone": "0470 12 34 56",
        "purpose": "Demande d'allocations familiales",
        "members_only": False,
        "delivery": "post",
    },
    "extrait-acte": {
        "act_type": "naissance",
        "concerned_person": "Léa Lambert",
        "event_date": "2019-04-12",
        "event_place": "Namur",
        "relationship": "family",
        "lastname": "Lambert",
        "firstname": "Élise",
        "email": "elise.lambert@example.org",
        "purpose": "Dossier de mariage",
    },
    "declaration-perte-document": {
        **IDENTITY,
        "document_type": "eid",
        "theft": True,
        "lost_on": "02/11/2026",
        "circumstances": "Portefeuille volé dans le bus 4, place de la Station.",
    },
    "reservation-salle": {
        **CONTACT,
        "organisation": "Les Amis du Vieux Jambes ASBL",
        "enterprise_number": "0207.000.968",
        "hall": "Salle des fêtes de Jambes",
        "event_date": "2027-03-20",
        "event_kind": "association",
        "guests": 80,
        "iban": "BE31 4354 1116 1155",
        "rules_accepted": True,
    },
    "signalement-voirie": {
        "problem": "pothole",
        "location": "Rue de Fer 42, devant l'arrêt de bus",
        "postal_code": "5000",
        "coordinates": "50.4651, 4.8670",
        "description": "Un trou profond de dix centimètres au milieu de la chaussée.",
        "fullname": "Élise Lambert",
        "email": "elise.lambert@example.org",
    },
    "occupation-domaine-public": {
        **CONTACT,
        "company": "Déménagements Dubois SRL",
        "enterprise_number": "0207.000.968",
        "occupation": "moving",
        "street": "Rue de Fer 42",
        "postal_code": "5000",
        "start_date": "2027-03-20",
        "end_date": "2027-03-21",
        "length_m": 12,
    },
    "inscription-stage": {
        "course": "Stage nature, semaine du 5 juillet",
        "child_lastname": "Lambert",
        "child_firstname": "Léa",
        "child_birth_date": "2018-04-12",
        "child_national_number": "18.04.12-004.71",
        "health": "Allergie aux arachides.",
        **CONTACT,
        "street": "Rue de Fer 42",
        "postal_code": "5000",
        "locality": "Namur",
        "photos_allowed": False,
    },
    "carte-stationnement-riverain": {
        **IDENTITY,
        "street": "Rue de Fer 42",
        "postal_code": "5000",
        "plate": "1-ABC-234",
        "vehicle_use": "owned",
    },
}
# Dates as the case keeps them: ISO 8601, whichever way they were typed.
KEPT = {("declaration-perte-document", "lost_on"): "2026-11-02"}
PHOTO = ("Nid de poule – rue de Fer.jpg", "image/jpeg")
PDF = ("Certificat d'immatriculation scanné.pdf", "application/pdf")
FILES = {
    "signalement-voirie": {"photo": PHOTO},
    "occupation-domaine-public": {"plan": PDF},
    "carte-stationnement-riverain": {"registration_certificate": PDF},
}


@functools.cache
def photo() -> bytes:
    return phone_photo(seed=42)


@functools.cache
def scanned_pdf() -> bytes:
    """Two A4 pages scanned at 150 dpi: a few megabytes."""
    noise = random.Random(3)  # noqa: S311 - the same pages at each run
    pages = [
        Image.frombytes("RGB", (1240, 1754), noise.randbytes(1240 * 1754 * 3))
        for _page in range(2)
    ]
    output = io.BytesIO()
    pages[0].save(output, "PDF", save_all=True, append_images=pages[1:])
    return output.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


ELISE = {
    "sub": "fas-3d9f0a27-elise",
    "given_name": "Élise",
    "family_name": "Lambert",
    "email": "elise.lambert@example.org",
    "language": "fr",
    "national_number": "85073003328",
}
# What an anonymous sender reads, by the sign-in the form asks for.
SIGN_IN = {
    "citizens": "Veuillez vous connecter pour envoyer ce formulaire.",
    "citizens_high": "Veuillez vous connecter avec votre carte d'identité (eID) ou "
    "itsme pour envoyer ce formulaire.",
}


class TestSubmitLibrary(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        folder = eguichet_folder(self.portal)
        for ready in available_forms():
            install_form(folder, ready.id, processing_service=SERVICE)
        api.user.create(
            email="agent@namur.example", username="agent", password=TEST_USER_PASSWORD
        )
        api.group.add_user(groupname=SERVICE, username="agent")
        # Élise signed in with her identity card: every form is open to her.
        self.citizen = citizen_cookies(self.layer["request"], ELISE, LEVEL_HIGH)
        transaction.commit()
        self.folder = folder

    def file_object(self, filename, content_type):
        data = photo() if content_type == "image/jpeg" else scanned_pdf()
        return {
            "data": base64.b64encode(data).decode(),
            "filename": filename,
            "content-type": content_type,
        }

    def test_every_library_form_with_every_field(self):
        self.assertEqual(set(ANSWERS), {ready.id for ready in available_forms()})
        for ready in available_forms():
            with self.subTest(form=ready.id):
                self.submit_and_read_back(ready)

    def submit_and_read_back(self, ready):
        form = self.folder[ready.id]
        fields = set(form_fields(form))
        files = FILES.get(ready.id, {})
        payload = dict(ANSWERS[ready.id])
        for name, (filename, content_type) in files.items():
            payload[name] = self.file_object(filename, content_type)
        self.assertEqual(set(payload), fields, "every field is filled")
        citizen = self.citizen if ready.submitters != ANYONE else None
        response = requests.post(
            f"{form.absolute_url()}/++api++/@submit",
            json=payload,
            cookies=citizen,
            headers={"Accept": "application/json", "Accept-Language": "fr"},
            timeout=120,
        )
        self.assertEqual(response.status_code, 201, response.text)
        answer = response.json()
        self.assertEqual("access_code" in answer, citizen is None)
        agent = requests.Session()
        agent.auth = ("agent", TEST_USER_PASSWORD)
        case = agent.get(
            f"{answer['@id']}/++api++/",
            headers={"Accept": "application/json"},
            timeout=30,
        )
        self.assertEqual(case.status_code, 200, case.text)
        values = case.json()["values"]
        for name, sent in ANSWERS[ready.id].items():
            self.assertEqual(values[name], KEPT.get((ready.id, name), sent), name)
        for name, (filename, content_type) in files.items():
            data = photo() if content_type == "image/jpeg" else scanned_pdf()
            self.assertEqual(values[name], {"filename": filename, "size": len(data)})
            attached = case.json()["attachments"][name]
            self.assertEqual(attached["filename"], filename)
            self.assertEqual(attached["content-type"], content_type)
            download = agent.get(attached["download"], timeout=60)
            self.assertEqual(download.status_code, 200, name)
            self.assertEqual(sha256(download.content), sha256(data), name)
        agent.close()

    def test_login_only_forms_ask_anonymous_senders_to_log_in_first(self):
        for ready in available_forms():
            if ready.submitters == ANYONE:
                continue
            with self.subTest(form=ready.id):
                response = requests.post(
                    f"{self.folder[ready.id].absolute_url()}/++api++/@submit",
                    json={"email": "pas-une-adresse"},
                    headers={"Accept": "application/json", "Accept-Language": "fr"},
                    timeout=30,
                )
                self.assertEqual(response.status_code, 401, response.text)
                self.assertNotIn("errors", response.json())
                self.assertEqual(response.json()["message"], SIGN_IN[ready.submitters])


def form_fields(form):
    return getFieldNamesInOrder(form_schema(form, form.REQUEST))
