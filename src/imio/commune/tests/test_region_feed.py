"""``@region-changes`` over HTTP, as the regional site reads a commune's."""

from datetime import datetime
from DateTime import DateTime
from imio.commune.answers import ANSWERS_KEY
from imio.commune.answers import AnswersError
from imio.commune.answers import apply_answers
from imio.commune.answers import complete_answers
from imio.commune.region.changes import LANE
from imio.commune.region.changes import region_log
from imio.commune.region.changes import seed_changes
from imio.commune.region.feed import is_free
from imio.commune.region.subscription import region_of
from imio.commune.testing import COMMUNE_ANSWERS
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.namedfile.file import NamedBlobImage
from z3c.relationfield import RelationValue
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility
from zope.component.hooks import setSite
from zope.event import notify
from zope.intid.interfaces import IIntIds
from zope.lifecycleevent import ObjectModifiedEvent

import io
import PIL.Image
import pytz
import requests
import transaction
import unittest


BRUSSELS = pytz.timezone("Europe/Brussels")


def brussels(*args) -> datetime:
    return BRUSSELS.localize(datetime(*args))


REGION = {"url": "http://127.0.0.1:9/region", "timeout": 10}
EVENT_KEYS = {
    "uid",
    "type",
    "withdrawn",
    "url",
    "title",
    "description",
    "language",
    "modified",
    "effective",
    "topics",
    "audiences",
    "life_events",
    "image",
    "start",
    "end",
    "timezone",
    "whole_day",
    "open_end",
    "recurrence",
    "location",
    "place",
    "price",
    "free",
    "reduced_mobility_access",
}
NEWS_KEYS = EVENT_KEYS - {
    "start",
    "end",
    "timezone",
    "whole_day",
    "open_end",
    "recurrence",
    "location",
    "place",
    "price",
    "free",
    "reduced_mobility_access",
}


class TestIsFree(unittest.TestCase):
    def test_free(self):
        for price in (
            "",
            None,
            "Gratuit",
            "gratuite",
            "Entrée libre",
            "ENTREE LIBRE",
            "Accès libre",
            "kostenlos",
            "Eintritt frei",
            "0 €",
            "0,00 €",
            "Gratuit, réservation au 081 24 64 49",
        ):
            with self.subTest(price=price):
                self.assertIs(is_free(price, "fr"), True)

    def test_paying(self):
        for price in ("5 €", "5 € (enfants 2 €)", "12,50 EUR", "10", "€"):
            with self.subTest(price=price):
                self.assertIs(is_free(price, "fr"), False)
        self.assertIs(is_free("Gratuit pour les enfants, 5 € adultes", "fr"), False)
        self.assertIs(is_free("Erwachsene 8 €", "de"), False)

    def test_unknown(self):
        for price in ("Prix libre", "Sur réservation", "Voir le site"):
            with self.subTest(price=price):
                self.assertIsNone(is_free(price, "fr"))


class TestRegionAnswers(unittest.TestCase):
    def answers(self, region) -> dict:
        return complete_answers({**COMMUNE_ANSWERS, "region": region})

    def test_completed_with_its_timeout(self):
        self.assertEqual(
            self.answers({"url": "https://agenda.example.be/region/"})["region"],
            {"url": "https://agenda.example.be/region", "timeout": 10},
        )
        self.assertEqual(
            self.answers({"url": "http://localhost:8080/region", "timeout": 3})[
                "region"
            ],
            {"url": "http://localhost:8080/region", "timeout": 3},
        )

    def test_a_radius_around_the_commune(self):
        region = {
            "url": "https://a.be/region",
            "radius_km": 15,
            "centre": {"latitude": 50.4646, "longitude": 4.8665},
        }
        self.assertEqual(self.answers(region)["region"], {**region, "timeout": 10})
        # Without a centre, the administration's position is taken at sync.
        self.assertEqual(
            self.answers({"url": "https://a.be/region", "radius_km": 10})["region"],
            {"url": "https://a.be/region", "timeout": 10, "radius_km": 10},
        )

    def test_refused_in_french(self):
        for region, field, words in (
            ({"url": "https://a.be", "radius_km": 0}, "region.radius_km", "de 1 à 50"),
            ({"url": "https://a.be", "radius_km": 8.5}, "region.radius_km", "entier"),
            (
                {"url": "https://a.be", "radius_km": 9, "centre": [50, 4]},
                "region.centre",
                "latitude",
            ),
            (
                {
                    "url": "https://a.be",
                    "radius_km": 9,
                    "centre": {"latitude": 48.1, "longitude": 4.8},
                },
                "region.centre",
                "en Belgique",
            ),
            (
                {"url": "https://a.be", "centre": {"latitude": 50.4, "longitude": 4.8}},
                "region.centre",
                "radius_km",
            ),
            ("http://x", "region", "doit donner url"),
            ({}, "region.url", "est requise"),
            ({"url": "ftp://agenda.example.be"}, "region.url", "http://"),
            ({"url": "https://a.be/r?x=1"}, "region.url", "ni paramètres"),
            ({"url": "https://a.be", "sources": []}, "region.sources", "inconnue"),
            ({"url": "https://a.be", "timeout": 0}, "region.timeout", "secondes"),
            ({"url": "https://a.be", "timeout": "5"}, "region.timeout", "secondes"),
        ):
            with self.subTest(region=region):
                with self.assertRaises(AnswersError) as raised:
                    self.answers(region)
                self.assertEqual(raised.exception.field, field)
                self.assertIn(words, str(raised.exception))


class TestRegionFeed(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        self.root = f"http://{self.layer['host']}:{self.layer['port']}"
        self.site_url = f"{self.root}/{COMMUNE_SITE_ID}"
        self.url = f"{self.site_url}/@region-changes"
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        setSite(self.site)
        # The commune's editors, in-process; the regional site, anonymous.
        login(self.layer["app"], SITE_OWNER_NAME)
        annotations = IAnnotations(self.site)
        annotations[ANSWERS_KEY] = {**annotations[ANSWERS_KEY], "region": REGION}
        self.place = api.content.create(
            container=self.site,
            type="Place",
            id="place-communale",
            title="Place communale",
            street="Place communale 1",
            postal_code="5340",
            city="Gesves",
            latitude=50.4012,
            longitude=5.0746,
        )
        self.market = api.content.create(
            container=self.site,
            type="Event",
            id="marche",
            title="Marché hebdomadaire",
            description="Producteurs locaux, chaque samedi matin.",
            start=brussels(2027, 3, 27, 8, 0),
            end=brussels(2027, 3, 27, 13, 0),
            timezone="Europe/Brussels",
            recurrence="RRULE:FREQ=WEEKLY;BYDAY=SA",
            location="Place communale",
            price="Entrée libre",
            reduced_mobility_access=True,
            taxonomy_topic=["economie-et-emploi"],
            taxonomy_audience=["citoyen", "touriste"],
        )
        intids = getUtility(IIntIds)
        self.market.place = RelationValue(intids.getId(self.place))
        notify(ObjectModifiedEvent(self.market))
        self.news = api.content.create(
            container=self.site,
            type="News Item",
            id="travaux",
            title="Travaux rue de la Gare",
            description="La rue sera fermée une semaine.",
            taxonomy_topic=["mobilite"],
        )
        self.news.setEffectiveDate(DateTime("2027-03-01T09:00:00+01:00"))
        self.draft = api.content.create(
            container=self.site,
            type="Event",
            id="brouillon",
            title="Fête encore secrète",
            start=brussels(2027, 6, 21, 18, 0),
            end=brussels(2027, 6, 21, 23, 0),
            price="8 €",
        )
        for item in (self.market, self.news):
            api.content.transition(obj=item, to_state="published")
        transaction.commit()

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

    def by_uid(self, page: dict) -> dict:
        return {entry["uid"]: entry for entry in page["changes"]}

    def test_region_of_the_site(self):
        self.assertEqual(region_of(self.site), REGION)
        annotations = IAnnotations(self.site)
        answers = dict(annotations[ANSWERS_KEY])
        del answers["region"]
        annotations[ANSWERS_KEY] = answers
        self.assertIsNone(region_of(self.site))

    def test_an_event_with_its_place_and_recurrence(self):
        response = self.get()
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertEqual(
            response.headers["Cache-Control"], "max-age=0, must-revalidate"
        )
        page = response.json()
        self.assertFalse(page["more"])
        self.assertTrue(page["cursor"].isdigit())
        self.assertEqual(
            page["commune"],
            {
                "refnis": "92054",
                "title": "Commune de Gesves",
                "url": self.site_url,
                "language": "fr",
            },
        )
        entry = self.by_uid(page)[self.market.UID()]
        self.assertEqual(set(entry), EVENT_KEYS)
        self.assertEqual(entry["type"], "event")
        self.assertFalse(entry["withdrawn"])
        self.assertEqual(entry["url"], f"{self.site_url}/marche")
        self.assertEqual(entry["title"], "Marché hebdomadaire")
        self.assertEqual(
            entry["description"], "Producteurs locaux, chaque samedi matin."
        )
        self.assertEqual(entry["language"], "fr")
        self.assertTrue(entry["modified"].endswith("+00:00"))
        self.assertEqual(entry["start"], "2027-03-27T08:00:00+01:00")
        self.assertEqual(entry["end"], "2027-03-27T13:00:00+01:00")
        self.assertEqual(entry["timezone"], "Europe/Brussels")
        self.assertFalse(entry["whole_day"])
        self.assertFalse(entry["open_end"])
        self.assertEqual(entry["recurrence"], "RRULE:FREQ=WEEKLY;BYDAY=SA")
        self.assertEqual(entry["location"], "Place communale")
        self.assertEqual(
            entry["place"],
            {
                "title": "Place communale",
                "street": "Place communale 1",
                "postal_code": "5340",
                "city": "Gesves",
                "latitude": 50.4012,
                "longitude": 5.0746,
            },
        )
        self.assertEqual(entry["price"], "Entrée libre")
        self.assertIs(entry["free"], True)
        self.assertIs(entry["reduced_mobility_access"], True)
        self.assertEqual(entry["topics"], ["economie-et-emploi"])
        self.assertEqual(entry["audiences"], ["citoyen", "touriste"])
        self.assertEqual(entry["life_events"], [])
        self.assertIsNone(entry["image"])

    def test_a_news_item(self):
        entry = self.by_uid(self.changes())[self.news.UID()]
        self.assertEqual(set(entry), NEWS_KEYS)
        self.assertEqual(entry["type"], "news")
        self.assertEqual(entry["url"], f"{self.site_url}/travaux")
        self.assertEqual(entry["title"], "Travaux rue de la Gare")
        self.assertEqual(entry["topics"], ["mobilite"])
        self.assertEqual(entry["effective"], "2027-03-01T08:00:00+00:00")
        self.assertIsNone(self.by_uid(self.changes())[self.market.UID()]["effective"])

    def test_the_lead_image_scale(self):
        data = io.BytesIO()
        PIL.Image.new("RGB", (1200, 800), (0, 90, 133)).save(data, "JPEG")
        self.news.image = NamedBlobImage(data=data.getvalue(), filename="gare.jpg")
        notify(ObjectModifiedEvent(self.news))
        transaction.commit()
        image = self.by_uid(self.changes())[self.news.UID()]["image"]
        self.assertEqual(image, f"{self.site_url}/travaux/@@images/image/preview")
        response = requests.get(image, timeout=30)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/jpeg")

    def test_private_items_never_shown(self):
        uids = set(self.by_uid(self.changes()))
        self.assertEqual(uids, {self.market.UID(), self.news.UID()})
        # Nor to a manager: the feed is the regional site's.
        page = self.session.get(
            self.url, auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD), timeout=30
        ).json()
        self.assertEqual(set(self.by_uid(page)), uids)
        # An edit of the draft is no change the region sees either.
        cursor = self.changes()["cursor"]
        self.draft.title = "Fête de la musique"
        notify(ObjectModifiedEvent(self.draft))
        transaction.commit()
        self.assertEqual(self.changes(since=cursor)["changes"][0]["withdrawn"], True)

    def test_since_the_cursor_only_the_changed_item(self):
        cursor = self.changes()["cursor"]
        page = self.changes(since=cursor)
        self.assertEqual(
            (page["cursor"], page["more"], page["changes"]), (cursor, False, [])
        )
        self.market.title = "Marché du samedi"
        notify(ObjectModifiedEvent(self.market))
        transaction.commit()
        page = self.changes(since=cursor)
        self.assertEqual(
            [entry["title"] for entry in page["changes"]], ["Marché du samedi"]
        )
        self.assertGreater(int(page["cursor"]), int(cursor))

    def test_new_item_published_later(self):
        cursor = self.changes()["cursor"]
        api.content.transition(obj=self.draft, to_state="published")
        transaction.commit()
        page = self.changes(since=cursor)
        [entry] = page["changes"]
        self.assertEqual(entry["uid"], self.draft.UID())
        self.assertEqual((entry["price"], entry["free"]), ("8 €", False))

    def test_tombstone_on_unpublish(self):
        cursor = self.changes()["cursor"]
        api.content.transition(obj=self.market, to_state="private")
        transaction.commit()
        page = self.changes(since=cursor)
        self.assertEqual(
            page["changes"], [{"uid": self.market.UID(), "withdrawn": True}]
        )
        # A first pull has no tombstones.
        self.assertEqual(set(self.by_uid(self.changes())), {self.news.UID()})

    def test_tombstone_on_delete(self):
        cursor = self.changes()["cursor"]
        uid = self.news.UID()
        api.content.delete(obj=self.news)
        transaction.commit()
        self.assertEqual(
            self.changes(since=cursor)["changes"], [{"uid": uid, "withdrawn": True}]
        )

    def test_tombstone_on_move_out_of_the_site(self):
        cursor = self.changes()["cursor"]
        uid = self.market.UID()
        other = self.layer["portal"]
        api.content.move(source=self.market, target=other)
        transaction.commit()
        self.maxDiff = None
        self.assertEqual(
            self.changes(since=cursor)["changes"], [{"uid": uid, "withdrawn": True}]
        )

    def test_moved_inside_the_site_is_a_change_with_its_new_url(self):
        cursor = self.changes()["cursor"]
        folder = api.content.create(container=self.site, type="Folder", id="evenements")
        api.content.transition(obj=folder, to_state="published")
        api.content.move(source=self.market, target=folder)
        transaction.commit()
        [entry] = self.changes(since=cursor)["changes"]
        self.assertEqual(entry["url"], f"{self.site_url}/evenements/marche")

    def test_paging(self):
        for number in range(5):
            item = api.content.create(
                container=self.site,
                type="News Item",
                id=f"nouvelle-{number}",
                title=f"Nouvelle {number}",
            )
            api.content.transition(obj=item, to_state="published")
        transaction.commit()
        seen, cursor, pages = [], None, 0
        while True:
            params = (
                {"limit": "3"} if cursor is None else {"limit": "3", "since": cursor}
            )
            page = self.changes(**params)
            pages += 1
            self.assertLessEqual(len(page["changes"]), 3)
            seen += [entry["uid"] for entry in page["changes"]]
            cursor = page["cursor"]
            if not page["more"]:
                break
        self.assertEqual(pages, 3)
        self.assertEqual(len(seen), 7)
        self.assertEqual(len(set(seen)), 7)
        self.assertNotIn(self.draft.UID(), seen)
        self.assertEqual(cursor, self.changes()["cursor"])

    def test_etag_and_not_modified(self):
        response = self.get()
        etag = response.headers["ETag"]
        cursor = response.json()["cursor"]
        again = self.get(headers={"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(
            self.get(headers={"If-None-Match": f"W/{etag}"}).status_code, 304
        )
        # Another page asked: another tag.
        since = self.get(since=cursor)
        self.assertNotEqual(since.headers["ETag"], etag)
        self.assertEqual(
            self.get(
                since=cursor, headers={"If-None-Match": since.headers["ETag"]}
            ).status_code,
            304,
        )
        # Any change: the tag changes, the page comes in full.
        self.news.description = "Fermée deux semaines."
        notify(ObjectModifiedEvent(self.news))
        transaction.commit()
        changed = self.get(
            since=cursor, headers={"If-None-Match": since.headers["ETag"]}
        )
        self.assertEqual(changed.status_code, 200)
        self.assertEqual(
            changed.json()["changes"][0]["description"], "Fermée deux semaines."
        )

    def test_not_found_without_the_region_key(self):
        annotations = IAnnotations(self.site)
        answers = dict(annotations[ANSWERS_KEY])
        del answers["region"]
        annotations[ANSWERS_KEY] = answers
        transaction.commit()
        response = self.get()
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.headers["Content-Type"], "application/json")
        self.assertIn("agenda régional", response.json()["error"])

    def test_bad_parameters_in_french(self):
        cursor = int(self.changes()["cursor"])
        for params, words in (
            ({"since": "abc"}, "nombre entier positif"),
            ({"since": "-1"}, "nombre entier positif"),
            ({"since": str(cursor + 100)}, "plus récent"),
            ({"limit": "0"}, "entre 1 et 1000"),
            ({"limit": "1001"}, "entre 1 et 1000"),
            ({"limit": "x" * 500}, "nombre entier positif"),
            ({"since": ["1", "2"]}, "qu'une fois"),
            ({"limit": ["1", "2"]}, "qu'une fois"),
        ):
            with self.subTest(params=params):
                response = self.get(**params)
                self.assertEqual(response.status_code, 400)
                self.assertIn(words, response.json()["error"])

    def test_anonymous_get_only(self):
        self.assertEqual(self.get().status_code, 200)
        response = self.session.post(self.url, timeout=30)
        self.assertNotEqual(response.status_code, 200)
        self.assertLess(response.status_code, 500)

    def test_every_commune_site_keeps_the_log(self):
        log = region_log(self.site)
        uids = {uid for _sequence, uid in log.since(LANE, 0)}
        self.assertTrue({self.market.UID(), self.news.UID(), self.draft.UID()} <= uids)

    def test_a_site_older_than_the_log_is_seeded_at_deploy(self):
        del IAnnotations(self.site)["imio.commune.region.changes"]
        answers = complete_answers({**COMMUNE_ANSWERS, "region": REGION})
        changes = apply_answers(self.site, answers)
        self.assertIn("imio.commune.region.changes", changes)
        transaction.commit()
        self.assertEqual(
            set(self.by_uid(self.changes())), {self.market.UID(), self.news.UID()}
        )
        # A second deploy: nothing to add.
        self.assertNotIn(
            "imio.commune.region.changes", apply_answers(self.site, answers)
        )
        changes = []
        seed_changes(self.site, changes)
        self.assertEqual(changes, [])

    def test_an_item_that_cannot_be_read_is_no_server_error(self):
        cursor = self.changes()["cursor"]
        # Data no edit form gives, written past the catalog.
        self.market.start = "samedi"
        region_log(self.site).record(LANE, self.market.UID())
        transaction.commit()
        response = self.get(since=cursor)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["changes"], [{"uid": self.market.UID(), "withdrawn": True}]
        )
