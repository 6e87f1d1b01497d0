"""The instance compresses text responses itself, as `make start` serves it.

A browser asking with ``Accept-Encoding: gzip`` gets the home page and the
style sheets gzip-compressed, the same bytes once decompressed; a file a
citizen downloads arrives intact, partial requests and conditional requests
still answer 206 and 304.
"""

from tests.instance import BIN
from tests.instance import DemoInstanceLayer
from tests.instance import ROOT
from urllib.parse import urljoin
from urllib.parse import urlsplit

import base64
import gzip
import hashlib
import http.client
import json
import re
import secrets
import subprocess
import unittest


ADMIN_PASSWORD = secrets.token_urlsafe(12)
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
# A leaflet of 9 MB: the size of the scanned PDF a commune publishes.
LEAFLET = hashlib.sha256(b"collectes").digest() * (9 * 1024 * 1024 // 32)
# The collection calendar as a spreadsheet export: text, so compressed.
CALENDAR_CSV = (
    "".join(
        f"{day:02d}/{month:02d}/2026;Rue de Fer;{'PMC' if day % 2 else 'Papiers'}\n"
        for month in range(1, 13)
        for day in range(1, 29)
    ).encode()
    * 200
)


class CompressedInstanceLayer(DemoInstanceLayer):
    """The demo instance with two files added by an administrator."""

    def prepare(self, var, env):
        subprocess.run(
            [
                str(BIN / "addzopeuser"),
                "-c",
                str(ROOT / "instance" / "etc" / "zope.conf"),
                "admin",
                ADMIN_PASSWORD,
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def setUp(self):
        super().setUp()
        try:
            for file_id, data, filename, content_type in (
                ("depliant-collectes", LEAFLET, "collectes.pdf", "application/pdf"),
                ("calendrier-collectes", CALENDAR_CSV, "collectes.csv", "text/csv"),
            ):
                self.publish_file(file_id, data, filename, content_type)
        except BaseException:
            # The instance is stopped even when adding the files fails.
            super().tearDown()
            raise

    def publish_file(self, file_id, data, filename, content_type):
        site = urlsplit(self["site_url"])
        auth = base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode()).decode()
        headers = {"Authorization": f"Basic {auth}", "Accept": "application/json"}
        document = {
            "@type": "File",
            "id": file_id,
            "title": filename,
            "file": {
                "data": base64.b64encode(data).decode(),
                "encoding": "base64",
                "filename": filename,
                "content-type": content_type,
            },
        }
        # Files have no workflow in Plone: visitors see them once added.
        for path, body in (("/++api++/", json.dumps(document)),):
            connection = http.client.HTTPConnection(
                site.hostname, site.port, timeout=300
            )
            connection.request(
                "POST",
                site.path + path,
                body=body,
                headers={**headers, "Content-Type": "application/json"},
            )
            answer = connection.getresponse()
            answer.read()
            connection.close()
            if answer.status not in (200, 201):
                raise RuntimeError(f"POST {path}: {answer.status}")


COMPRESSED_INSTANCE = CompressedInstanceLayer(name="CompressedInstance")


def fetch(url, method="GET", headers=None):
    """One request with http.client: the body exactly as sent on the wire."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


class TestCompression(unittest.TestCase):
    layer = COMPRESSED_INSTANCE

    def setUp(self):
        self.site = self.layer["site_url"]

    def assert_compressed_like_identity(self, url):
        plain, plain_body = fetch(url)
        packed, packed_body = fetch(url, headers=GZIP)
        self.assertEqual(plain.status, 200)
        self.assertEqual(packed.status, 200)
        self.assertIsNone(plain.getheader("Content-Encoding"))
        self.assertEqual(packed.getheader("Content-Encoding"), "gzip")
        self.assertIn("Accept-Encoding", packed.getheader("Vary"))
        self.assertIn("Accept-Encoding", plain.getheader("Vary"))
        self.assertEqual(gzip.decompress(packed_body), plain_body)
        self.assertLess(len(packed_body), len(plain_body) / 2)
        return plain, plain_body

    def test_home_page_is_compressed(self):
        plain, body = self.assert_compressed_like_identity(self.site)
        self.assertIn(b"Namur", body)
        self.assertTrue(plain.getheader("Content-Type").startswith("text/html"))

    def test_style_sheets_and_scripts_are_compressed(self):
        # The login form: its patterns need Plone's bundle, as visitors get it.
        _, page = fetch(self.site + "/login")
        sheets = re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', page)
        sheets += re.findall(rb'<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"', page)
        scripts = re.findall(rb'<script[^>]+src="([^"]+)"', page)
        self.assertTrue(sheets)
        self.assertTrue(scripts)
        # Barceloneta's style sheet and Plone's bundle: the largest of each.
        sheet = next(url for url in sheets if b"barceloneta" in url)
        for resource in (sheet, scripts[-1]):
            url = urljoin(self.site + "/", resource.decode().replace("&amp;", "&"))
            response, _ = self.assert_compressed_like_identity(url)
            self.assertRegex(
                response.getheader("Content-Type"), r"^(text/css|.*javascript)"
            )

    def test_head_answers_the_headers_without_body(self):
        _, page = fetch(self.site)
        sheet = re.findall(rb'href="([^"]+barceloneta[^"]*\.css)"', page)[0]
        url = urljoin(self.site + "/", sheet.decode())
        response, body = fetch(url, "HEAD", GZIP)
        self.assertEqual(response.status, 200)
        self.assertEqual(body, b"")
        self.assertIsNone(response.getheader("Content-Encoding"))
        self.assertIn("Accept-Encoding", response.getheader("Vary"))

    def test_pdf_download_is_intact_and_not_recompressed(self):
        url = f"{self.site}/depliant-collectes/@@download/file"
        response, body = fetch(url, headers=GZIP)
        self.assertEqual(response.status, 200)
        self.assertIsNone(response.getheader("Content-Encoding"))
        self.assertEqual(response.getheader("Content-Length"), str(len(LEAFLET)))
        self.assertEqual(
            hashlib.sha256(body).hexdigest(), hashlib.sha256(LEAFLET).hexdigest()
        )
        partial, part = fetch(url, headers={**GZIP, "Range": "bytes=1000-1999"})
        self.assertEqual(partial.status, 206)
        self.assertIsNone(partial.getheader("Content-Encoding"))
        self.assertEqual(part, LEAFLET[1000:2000])
        modified = response.getheader("Last-Modified")
        self.assertTrue(modified)
        unchanged, empty = fetch(url, headers={**GZIP, "If-Modified-Since": modified})
        self.assertEqual(unchanged.status, 304)
        self.assertEqual(empty, b"")

    def test_text_download_is_streamed_compressed_and_intact(self):
        url = f"{self.site}/calendrier-collectes/@@download/file"
        response, body = fetch(url, headers=GZIP)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Encoding"), "gzip")
        self.assertEqual(
            hashlib.sha256(gzip.decompress(body)).hexdigest(),
            hashlib.sha256(CALENDAR_CSV).hexdigest(),
        )
        partial, part = fetch(url, headers={**GZIP, "Range": "bytes=0-99"})
        self.assertEqual(partial.status, 206)
        self.assertIsNone(partial.getheader("Content-Encoding"))
        self.assertEqual(part, CALENDAR_CSV[:100])

    def test_conditional_request_of_a_compressed_resource(self):
        _, page = fetch(self.site)
        sheet = re.findall(rb'href="([^"]+barceloneta[^"]*\.css)"', page)[0]
        url = urljoin(self.site + "/", sheet.decode().replace("&amp;", "&"))
        response, _ = fetch(url, headers=GZIP)
        validators = {}
        if response.getheader("ETag"):
            self.assertTrue(response.getheader("ETag").endswith('-gzip"'))
            validators["If-None-Match"] = response.getheader("ETag")
        if response.getheader("Last-Modified"):
            validators["If-Modified-Since"] = response.getheader("Last-Modified")
        self.assertTrue(validators)
        unchanged, empty = fetch(url, headers={**GZIP, **validators})
        self.assertEqual(unchanged.status, 304)
        self.assertEqual(empty, b"")
        if "If-None-Match" in validators:
            self.assertEqual(unchanged.getheader("ETag"), validators["If-None-Match"])

    def test_small_and_image_responses_are_left_alone(self):
        _, page = fetch(self.site)
        images = re.findall(rb'<img[^>]+src="([^"]+\.(?:png|jpe?g|webp)[^"]*)"', page)
        images += re.findall(rb'href="([^"]+favicon[^"]*)"', page)
        for image in images[:2]:
            url = urljoin(self.site + "/", image.decode().replace("&amp;", "&"))
            response, _ = fetch(url, headers=GZIP)
            self.assertIsNone(response.getheader("Content-Encoding"), url)
