"""The type of a citizen's file is read from its content, not its name."""

from imio.eguichet.uploads import accepted
from imio.eguichet.uploads import content_type
from imio.eguichet.uploads import DOCX
from imio.eguichet.uploads import ODT
from types import SimpleNamespace

import io
import unittest
import zipfile


def archive(**members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as output:
        for name, data in members.items():
            output.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


class TestContentType(unittest.TestCase):
    def test_types_from_content(self):
        self.assertEqual(content_type(b"%PDF-1.4 x"), "application/pdf")
        self.assertEqual(content_type(b"\x89PNG\r\n\x1a\n0000"), "image/png")
        self.assertEqual(content_type(archive(mimetype=ODT)), ODT)
        docx = archive(**{"[Content_Types].xml": "<x/>", "word__document.xml": "<x/>"})
        self.assertEqual(content_type(docx), DOCX)
        self.assertIsNone(content_type(archive(**{"virus.exe": "MZ"})))
        self.assertIsNone(content_type(b"PK\x03\x04 broken"))

    def test_accepted_types_and_size(self):
        self.assertTrue(accepted(b"%PDF-1.4 x", None))
        self.assertFalse(accepted(b"MZ\x90\x00\x03", None))
        images = SimpleNamespace(
            allowed_attachment_types=["image/png"], max_attachment_mb=1
        )
        self.assertFalse(accepted(b"%PDF-1.4 x", images))
        self.assertTrue(accepted(b"\x89PNG\r\n\x1a\n0000", images))
        self.assertFalse(accepted(b"\x89PNG\r\n\x1a\n" + b"0" * 1024 * 1024, images))
