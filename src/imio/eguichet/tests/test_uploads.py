"""The type of a citizen's file is read from its content, not its name."""

from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import field_errors
from imio.eguichet.tests.library_helpers import widget_data
from imio.eguichet.tests.library_helpers import widget_files
from imio.eguichet.uploads import accepted
from imio.eguichet.uploads import content_type
from imio.eguichet.uploads import DOCX
from imio.eguichet.uploads import ODT
from lxml import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from types import SimpleNamespace

import base64
import functools
import io
import re
import requests
import struct
import tracemalloc
import transaction
import unittest
import zipfile


def archive(**members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as output:
        for name, data in members.items():
            output.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


MIB = 1024**2
INFLATED_MIB = 256


@functools.cache
def zip_bomb() -> bytes:
    """An "OpenDocument" whose mimetype member is 256 MiB of zeros, in 1 KB.

    bzip2 makes of a long run of zeros next to nothing; the archive says
    honestly what the member holds.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            for _megabyte in range(INFLATED_MIB):
                member.write(bytes(MIB))
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def declare_size(archive: bytes, size: int) -> bytes:
    """The archive, its first member said to hold ``size`` bytes once inflated."""
    data = bytearray(archive)
    # Local header and central directory entry: where the size is, where
    # the name's length is, and where the name starts.
    for header, size_at, name_at, name_start in (
        (data.index(b"PK\x03\x04"), 22, 26, 30),
        (data.index(b"PK\x01\x02"), 24, 28, 46),
    ):
        if struct.unpack_from("<I", data, header + size_at)[0] != 0xFFFFFFFF:
            struct.pack_into("<I", data, header + size_at, size)
            continue
        # A zip64 entry: the size is the first of its extra field's (tag 1).
        name_length = struct.unpack_from("<H", data, header + name_at)[0]
        extra = header + name_start + name_length
        assert struct.unpack_from("<H", data, extra)[0] == 1
        struct.pack_into("<Q", data, extra + 4, size)
    return bytes(data)


def declared_giant() -> bytes:
    """An OpenDocument whose mimetype member says it holds 4 GB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODT)
        archive.writestr("content.xml", "<office:document-content/>")
    return declare_size(buffer.getvalue(), 0xFFFFFFFE)


def zip_bombs() -> dict[str, bytes]:
    return {
        "honest": zip_bomb(),
        # Says 39 bytes, as a real mimetype member: bzip2 would still
        # inflate its whole 256 MiB at once, were it read.
        "lying": declare_size(zip_bomb(), len(ODT)),
        "declared": declared_giant(),
    }


class MemoryPeak:
    """The most memory Python allocated within the block, in bytes."""

    def __enter__(self):
        tracemalloc.start()
        return self

    def __exit__(self, *exc_info):
        self.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


class TestContentType(unittest.TestCase):
    def test_types_from_content(self):
        self.assertEqual(content_type(b"%PDF-1.4 x"), "application/pdf")
        self.assertEqual(content_type(b"\x89PNG\r\n\x1a\n0000"), "image/png")
        self.assertEqual(content_type(archive(mimetype=ODT)), ODT)
        docx = archive(**{"[Content_Types].xml": "<x/>", "word__document.xml": "<x/>"})
        self.assertEqual(content_type(docx), DOCX)
        self.assertIsNone(content_type(archive(**{"virus.exe": "MZ"})))
        self.assertIsNone(content_type(b"PK\x03\x04 broken"))

    def test_an_opendocument_compressed_by_its_suite_is_read(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as output:
            output.writestr("mimetype", ODT)
            output.writestr("content.xml", "<office:document-content/>")
        self.assertEqual(content_type(buffer.getvalue()), ODT)

    def test_zip_bombs_are_not_decompressed(self):
        for kind, bomb in zip_bombs().items():
            with self.subTest(kind=kind):
                self.assertLess(len(bomb), 4096)
                with MemoryPeak() as memory:
                    self.assertIsNone(content_type(bomb))
                self.assertLess(memory.peak, 16 * MIB)

    def test_accepted_types_and_size(self):
        self.assertTrue(accepted(b"%PDF-1.4 x", None))
        self.assertFalse(accepted(b"MZ\x90\x00\x03", None))
        images = SimpleNamespace(
            allowed_attachment_types=["image/png"], max_attachment_mb=1
        )
        self.assertFalse(accepted(b"%PDF-1.4 x", images))
        self.assertTrue(accepted(b"\x89PNG\r\n\x1a\n0000", images))
        self.assertFalse(accepted(b"\x89PNG\r\n\x1a\n" + b"0" * 1024 * 1024, images))


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
ANSWERS = {
    "fullname": "Marie Dupont",
    "email": "marie.dupont@example.org",
    "reason": "Inscription à l'école",
}
TYPE_REFUSED = "Ce type de fichier n'est pas accepté"
TOO_LARGE = "Ce fichier est trop volumineux : 1 Mo au maximum."


class TestWebFormUploads(unittest.TestCase):
    """A renamed program or a file too large is refused next to its field."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal, max_attachment_mb=1)
        transaction.commit()
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def count_cases(self):
        transaction.begin()
        return len(get_cases_folder(self.portal))

    def send(self, url, button, upload):
        page = self.citizen.get(url)
        self.assertEqual(page.status_code, 200)
        form = html.fromstring(page.text).xpath("//form[@id='form']")[0]
        data = {
            field.name: field.value
            for field in form.xpath(".//input[@type='hidden']")
            if field.name
        }
        data.update(widget_data(ANSWERS))
        data[f"form.buttons.{button}"] = button
        return self.citizen.session.post(
            form.action,
            data=data,
            files=widget_files({"document": upload}),
            timeout=30,
        )

    def assert_refused_and_kept(self, page, message):
        self.assertEqual(
            field_errors(page).get("document", "")[: len(message)], message
        )
        tree = html.fromstring(page.text)
        for name, value in ANSWERS.items():
            widget = tree.xpath(f"//*[@name='form.widgets.{name}']")[0]
            self.assertEqual(widget.value, value)
        self.assertIsNone(re.search('class="case-reference"', page.text))
        self.assertEqual(self.count_cases(), 0)

    def test_easyform_view_refuses_programs_named_as_images(self):
        url = self.form.absolute_url()
        for program in (ELF, EXE):
            with self.subTest(program=program[:4]):
                page = self.send(url, "submit", ("photo.jpg", program, "image/jpeg"))
                self.assertEqual(page.status_code, 200)
                self.assert_refused_and_kept(page, TYPE_REFUSED)

    def test_easyform_view_refuses_a_file_too_large(self):
        large = b"%PDF-1.4 " + b"0" * (1024 * 1024)
        page = self.send(self.form.absolute_url(), "submit", ("plan.pdf", large, ""))
        self.assert_refused_and_kept(page, TOO_LARGE)

    def test_easyform_view_accepts_a_pdf(self):
        page = self.send(
            self.form.absolute_url(), "submit", ("plan.pdf", b"%PDF-1.4 x", "")
        )
        self.assertRegex(page.text, 'class="case-reference"')
        self.assertEqual(self.count_cases(), 1)

    def test_check_answers_step_refuses_a_program(self):
        url = self.form.absolute_url() + "/@@demande"
        page = self.send(url, "continue", ("photo.jpg", EXE, "image/jpeg"))
        self.assertNotIn("Vérifiez vos réponses", page.text)
        self.assert_refused_and_kept(page, TYPE_REFUSED)

    def test_zip_bombs_are_refused_next_to_the_field(self):
        url = self.form.absolute_url() + "/@@demande"
        for kind, bomb in zip_bombs().items():
            with self.subTest(kind=kind):
                upload = ("compte rendu réunion.odt", bomb, "application/zip")
                with MemoryPeak() as memory:
                    page = self.send(url, "continue", upload)
                self.assertEqual(page.status_code, 200)
                self.assertNotIn("Vérifiez vos réponses", page.text)
                self.assert_refused_and_kept(page, TYPE_REFUSED)
                self.assertLess(memory.peak, 64 * MIB)

    def test_check_answers_send_checks_the_file_again(self):
        # A file posted with Envoyer instead of the kept one is checked again.
        url = self.form.absolute_url() + "/@@demande"
        summary = self.send(url, "continue", ("bail.pdf", b"%PDF-1.4 bail", ""))
        self.assertIn("Vérifiez vos réponses", summary.text)
        form = html.fromstring(summary.text).xpath(
            "//div[@class='eguichet-check-answers']//form"
        )[0]
        data = [
            (field.name, field.value)
            for field in form.xpath(".//input[@type='hidden']")
            if not field.name.startswith("form.widgets.document")
        ]
        data.append(("form.buttons.send", "send"))
        sent = self.citizen.session.post(
            form.action,
            data=data,
            files=widget_files({"document": ("bail.pdf", EXE, "application/pdf")}),
            timeout=30,
        )
        self.assertIn(TYPE_REFUSED, sent.text)
        self.assertEqual(self.count_cases(), 0)


class TestApiUploads(unittest.TestCase):
    """``@submit`` answers 400 with the file's error, creates nothing."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal, max_attachment_mb=1)
        transaction.commit()

    def submit(self, data: bytes, filename="photo.jpg"):
        document = {
            "data": base64.b64encode(data).decode(),
            "filename": filename,
            "content-type": "image/jpeg",
        }
        return requests.post(
            self.form.absolute_url() + "/++api++/@submit",
            json={**ANSWERS, "document": document},
            headers={"Accept": "application/json", "Accept-Language": "fr"},
            timeout=30,
        )

    def test_refused_files(self):
        large = b"%PDF-1.4 " + b"0" * (1024 * 1024)
        for data, message in (
            (ELF, TYPE_REFUSED),
            (EXE, TYPE_REFUSED),
            (large, TOO_LARGE),
        ):
            with self.subTest(data=data[:4]):
                response = self.submit(data)
                self.assertEqual(response.status_code, 400, response.text)
                errors = response.json()["errors"]
                self.assertEqual(list(errors), ["document"])
                self.assertTrue(errors["document"].startswith(message), errors)
        transaction.begin()
        self.assertEqual(len(get_cases_folder(self.portal)), 0)

    def test_zip_bombs_are_refused_in_french(self):
        for kind, bomb in zip_bombs().items():
            with self.subTest(kind=kind):
                with MemoryPeak() as memory:
                    response = self.submit(bomb, filename="compte rendu.odt")
                self.assertEqual(response.status_code, 400, response.text)
                errors = response.json()["errors"]
                self.assertEqual(list(errors), ["document"])
                self.assertTrue(errors["document"].startswith(TYPE_REFUSED), errors)
                self.assertLess(memory.peak, 64 * MIB)
        transaction.begin()
        self.assertEqual(len(get_cases_folder(self.portal)), 0)

    def test_accepted_file(self):
        response = self.submit(b"\x89PNG\r\n\x1a\n0000", filename="photo.png")
        self.assertEqual(response.status_code, 201, response.text)
