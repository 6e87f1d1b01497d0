"""``@library-changes`` over HTTP, as a commune's sync reads it."""

from imio.commune.library.testing import LIBRARY_FUNCTIONAL_TESTING
from imio.commune.library.testing import LIBRARY_SITE_ID
from imio.commune.testing import COMMUNE_SITE_ID
from imio.website.content.procedure.content import SECTIONS
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.textfield.value import RichTextValue
from zope.component.hooks import setSite
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import requests
import transaction
import unittest


ENTRY_KEYS = {
    "key",
    "language",
    "version",
    "withdrawn",
    "uid",
    "url",
    "title",
    "description",
    "sections",
    "topics",
    "life_events",
    "audiences",
    "modified",
}


class TestLibraryFeed(unittest.TestCase):
    layer = LIBRARY_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][LIBRARY_SITE_ID]
        self.root = f"http://{self.layer['host']}:{self.layer['port']}"
        self.url = f"{self.root}/{LIBRARY_SITE_ID}/@library-changes"
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        setSite(self.site)
        # The library's editors, in-process; the clients, anonymous over HTTP.
        login(self.layer["app"], SITE_OWNER_NAME)

    def tearDown(self):
        logout()
        setSite(self.layer["portal"])

    def get(self, **params):
        headers = params.pop("headers", {})
        return self.session.get(self.url, params=params, headers=headers, timeout=30)

    def changes(self, **params) -> dict:
        response = self.get(**params)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def published_keys(self, language: str) -> set[str]:
        return set(self.site[language].objectIds())

    def edit(self, sheet, **fields):
        for name, value in fields.items():
            setattr(sheet, name, value)
        notify(ObjectModifiedEvent(sheet))
        transaction.commit()

    def test_first_page_lists_every_published_sheet_of_the_language(self):
        response = self.get(language="fr")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertEqual(
            response.headers["Cache-Control"], "max-age=0, must-revalidate"
        )
        page = response.json()
        self.assertFalse(page["more"])
        self.assertTrue(page["cursor"].isdigit())
        self.assertEqual(
            {entry["key"] for entry in page["changes"]}, self.published_keys("fr")
        )
        entry = next(e for e in page["changes"] if e["key"] == "carte-identite")
        self.assertEqual(set(entry), ENTRY_KEYS)
        sheet = self.site["fr"]["carte-identite"]
        self.assertEqual(entry["language"], "fr")
        self.assertEqual(entry["version"], 1)
        self.assertFalse(entry["withdrawn"])
        self.assertEqual(entry["uid"], sheet.UID())
        self.assertEqual(
            entry["url"], f"{self.root}/{LIBRARY_SITE_ID}/fr/carte-identite"
        )
        self.assertEqual(entry["title"], "Carte d'identité électronique (eID)")
        self.assertEqual(set(entry["sections"]), set(SECTIONS))
        self.assertIn("<ol><li>Présentez-vous", entry["sections"]["how_to_proceed"])
        self.assertEqual(entry["topics"], ["etat-civil-et-population"])
        self.assertEqual(entry["life_events"], ["perdre-ses-documents", "voyager"])
        self.assertIn("citoyen", entry["audiences"])
        self.assertTrue(entry["modified"].endswith("+00:00"))

    def test_each_language_has_its_own_sheets(self):
        page = self.changes(language="de")
        titles = {entry["key"]: entry["title"] for entry in page["changes"]}
        self.assertEqual(titles["changement-adresse"], "Adressänderung")
        self.assertEqual({entry["language"] for entry in page["changes"]}, {"de"})
        # Without a language, the library's main language.
        self.assertEqual(
            {entry["language"] for entry in self.changes()["changes"]}, {"fr"}
        )

    def test_since_the_cursor_only_the_changed_sheet_with_its_new_version(self):
        cursor = self.changes(language="fr")["cursor"]
        german = self.changes(language="de")["cursor"]
        self.assertEqual(
            self.changes(language="fr", since=cursor),
            {"cursor": cursor, "more": False, "changes": []},
        )
        sheet = self.site["fr"]["changement-adresse"]
        cost = RichTextValue("<p>5 €.</p>", "text/html", "text/x-html-safe")
        self.edit(sheet, cost=cost)
        page = self.changes(language="fr", since=cursor)
        self.assertEqual([entry["key"] for entry in page["changes"]], [sheet.getId()])
        self.assertEqual(page["changes"][0]["version"], 2)
        self.assertEqual(page["changes"][0]["sections"]["cost"], "<p>5 €.</p>")
        self.assertGreater(int(page["cursor"]), int(cursor))
        # The German sheet did not change.
        self.assertEqual(self.changes(language="de", since=german)["changes"], [])

    def test_an_editors_change_over_the_rest_api_is_the_next_version(self):
        cursor = self.changes(language="de")["cursor"]
        edited = requests.patch(
            f"{self.root}/{LIBRARY_SITE_ID}/de/permis-urbanisme",
            json={"title": "Baugenehmigung"},
            headers={"Accept": "application/json"},
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            timeout=30,
        )
        self.assertEqual(edited.status_code, 204, edited.text)
        [entry] = self.changes(language="de", since=cursor)["changes"]
        self.assertEqual(
            (entry["key"], entry["title"], entry["version"]),
            ("permis-urbanisme", "Baugenehmigung", 2),
        )

    def test_an_unpublished_sheet_is_withdrawn_and_tells_nothing_more(self):
        cursor = self.changes(language="fr")["cursor"]
        sheet = self.site["fr"]["permis-urbanisme"]
        api.content.transition(sheet, to_state="private")
        transaction.commit()
        page = self.changes(language="fr", since=cursor)
        self.assertEqual(
            page["changes"],
            [{"key": "permis-urbanisme", "language": "fr", "withdrawn": True}],
        )
        first = {entry["key"] for entry in self.changes(language="fr")["changes"]}
        self.assertNotIn("permis-urbanisme", first)
        # Published again: the whole sheet, at the same version.
        api.content.transition(sheet, to_state="published")
        transaction.commit()
        page = self.changes(language="fr", since=cursor)
        self.assertFalse(page["changes"][0]["withdrawn"])
        self.assertEqual(page["changes"][0]["version"], 1)

    def test_a_deleted_or_moved_sheet_is_withdrawn(self):
        cursor = self.changes(language="de")["cursor"]
        api.content.delete(self.site["de"]["carte-identite"])
        api.content.rename(self.site["de"]["permis-urbanisme"], "baugenehmigung")
        transaction.commit()
        page = self.changes(language="de", since=cursor)
        self.assertEqual(
            [(entry["key"], entry["withdrawn"]) for entry in page["changes"]],
            [
                ("carte-identite", True),
                ("permis-urbanisme", True),
                ("baugenehmigung", False),
            ],
        )
        self.assertEqual(page["changes"][2]["title"], "Städtebauliche Genehmigung")

    def test_a_private_sheet_never_reaches_the_feed(self):
        cursor = self.changes(language="fr")["cursor"]
        api.content.create(
            container=self.site["fr"],
            type="Procedure",
            id="brouillon",
            title="Brouillon confidentiel",
        )
        transaction.commit()
        self.assertNotIn("Brouillon", self.get(language="fr", since=cursor).text)
        self.assertNotIn("Brouillon", self.get(language="fr").text)

    def test_pages_of_limit_entries_follow_the_cursor(self):
        everything = self.changes(language="fr")["changes"]
        seen, cursor, pages = [], None, 0
        while True:
            params = {"language": "fr", "limit": "2"}
            if cursor is not None:
                params["since"] = cursor
            page = self.changes(**params)
            pages += 1
            self.assertLessEqual(len(page["changes"]), 2)
            seen.extend(entry["key"] for entry in page["changes"])
            cursor = page["cursor"]
            if not page["more"]:
                break
        self.assertEqual(seen, [entry["key"] for entry in everything])
        self.assertGreater(len(everything), 2)
        # No empty last page: "more" is false on the page with the last entry.
        self.assertEqual(pages, -(-len(everything) // 2))

    def test_an_unchanged_feed_answers_304(self):
        first = self.get(language="fr", since="0")
        etag = first.headers["ETag"]
        self.assertRegex(etag, r'^"\d+-fr-0"$')
        again = self.get(language="fr", since="0", headers={"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(again.headers["ETag"], etag)
        # Another language or cursor is another answer.
        other = self.get(language="de", since="0", headers={"If-None-Match": etag})
        self.assertEqual(other.status_code, 200)
        self.edit(self.site["fr"]["carte-identite"], title="Carte d'identité")
        changed = self.get(language="fr", since="0", headers={"If-None-Match": etag})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed.headers["ETag"], etag)

    def test_bad_parameters_are_refused_in_french(self):
        cases = {
            (("since", "abc"),): "le paramètre since doit être un nombre entier",
            (("since", "-1"),): "le paramètre since doit être un nombre entier",
            (("since", "99999"),): "le curseur 99999 est plus récent",
            (("limit", "0"),): "le paramètre limit doit être compris entre 1 et 1000",
            (("limit", "1001"),): "le paramètre limit doit être compris entre 1",
            (("limit", "dix"),): "le paramètre limit doit être un nombre entier",
            (("language", "nl"),): "langue inconnue ; les langues de la bibliothèque",
            (("since", "1"), ("since", "2")): "ne peut être donné qu'une fois",
        }
        for params, message in cases.items():
            response = self.session.get(self.url, params=list(params), timeout=30)
            self.assertEqual(response.status_code, 400, params)
            self.assertEqual(response.headers["Content-Type"], "application/json")
            self.assertIn(message, response.json()["error"], params)

    def test_open_to_anonymous_clients_while_the_rest_api_is_not(self):
        self.assertNotIn("Authorization", self.session.headers)
        self.assertEqual(self.get(language="fr").status_code, 200)
        search = self.session.get(f"{self.root}/{LIBRARY_SITE_ID}/@search", timeout=30)
        self.assertEqual(search.status_code, 401)
        for method in ("post", "patch", "delete"):
            response = getattr(self.session, method)(self.url, timeout=30)
            self.assertIn(response.status_code, (401, 404, 405), method)

    def test_a_commune_site_has_no_feed(self):
        response = self.session.get(
            f"{self.root}/{COMMUNE_SITE_ID}/@library-changes", timeout=30
        )
        self.assertEqual(response.status_code, 404)
