"""Create the demo content of demo_content.yaml in a commune site, once.

Each item is created only if it was never created before: a second deploy
creates nothing and changes nothing, an item that editors changed stays as
they left it, and one they deleted does not come back.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta
from DateTime import DateTime
from functools import cache
from imio.belgium import get_commune
from imio.commune.demo.dates import day_of
from imio.commune.demo.dates import event_moment
from imio.commune.demo.dates import moment
from imio.commune.demo.dates import next_closure
from imio.commune.demo.dates import WEEKDAY_NAMES
from imio.commune.demo.pdf import text_pdf
from imio.eguichet.behaviors import IEguichetForm
from imio.website.content.procedure.content import SECTIONS
from imio.website.opening_hours import TIMEZONE
from pathlib import Path
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile
from z3c.relationfield import RelationValue
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import yaml


DATA = Path(__file__).parent / "demo_content.yaml"
RECORD_KEY = "imio.commune.demo_content"
EGUICHET = "e-guichet"
TAXONOMIES = ("taxonomy_audience", "taxonomy_life_event", "taxonomy_topic")
COMMON = ("title", "description", *TAXONOMIES)
EVENT_DETAILS = ("location", "recurrence", "price", "reduced_mobility_access")


@cache
def demo_data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def rich_text(text: str) -> RichTextValue:
    """HTML as written in the data; a plain sentence becomes a paragraph."""
    if not text.lstrip().startswith("<"):
        text = f"<p>{text}</p>"
    return RichTextValue(text, "text/html", "text/x-html-safe")


def picked(entry: dict, names) -> dict:
    return {name: entry[name] for name in names if name in entry}


class DemoContent:
    """The demo content of one site, deployed on `today`."""

    def __init__(self, site, answers: dict, now: datetime):
        self.site = site
        self.now = now
        self.today: date = now.date()
        self.data = demo_data()
        self.record = set(IAnnotations(site).get(RECORD_KEY, ()))
        self.created: list[str] = []
        commune = get_commune(answers["refnis"])
        contact = answers.get("contact") or {}
        self.address = {
            "postal_code": contact.get("postal_code") or commune.postal_codes[0],
            "city": contact.get("city") or commune.name_fr,
        }

    def find(self, path: str):
        """The item at `path` from the site root, or None."""
        item = self.site
        for name in path.split("/"):
            item = item.get(name) if hasattr(item, "get") else None
            if item is None:
                return None
        return item

    def find_in(self, kind: str, item_id: str):
        return self.find(f"{self.data[kind]['container']}/{item_id}")

    def relation(self, target) -> RelationValue | None:
        if target is None:
            return None
        return RelationValue(getUtility(IIntIds).getId(target))

    def create(self, container_path: str, item_id: str, portal_type: str, **fields):
        """The new item, or None when it exists, existed or has no container."""
        path = f"{container_path}/{item_id}"
        container = self.find(container_path)
        if path in self.record or container is None:
            return None
        self.record.add(path)
        if item_id in container.objectIds():
            return None
        fields = {name: value for name, value in fields.items() if value is not None}
        item = api.content.create(
            container=container, type=portal_type, id=item_id, **fields
        )
        self.created.append(path)
        return item

    def publish(self, item, effective: datetime | None = None) -> None:
        if effective is not None:
            item.setEffectiveDate(DateTime(effective.isoformat()))
        if api.content.get_state(item, default=None) not in ("published", None):
            api.content.transition(item, to_state="published")
        item.reindexObject()

    def build(self) -> list[str]:
        """Create what is missing; the paths created."""
        for folder in self.data["folders"]:
            container_path, _slash, folder_id = folder["path"].rpartition("/")
            item = self.create(
                container_path, folder_id, "Folder", **picked(folder, COMMON)
            )
            if item is not None:
                self.publish(item)
        self.build_people()
        self.build_services()
        self.build_places()
        self.build_procedures()
        self.build_councils()
        self.build_news()
        self.build_events()
        self.build_publications()
        self.build_alerts()
        return self.created

    def items(self, kind: str):
        section = self.data[kind]
        for entry in section["items"]:
            yield section["container"], entry

    def build_people(self) -> None:
        fields = ("position", "party", "powers", "phone", "email")
        for container, entry in self.items("people"):
            item = self.create(
                container,
                entry["id"],
                "Person",
                **picked(entry, COMMON + fields),
            )
            if item is not None:
                self.publish(item)

    def opening_hours(self, entry: dict) -> dict:
        return {
            **picked(entry, WEEKDAY_NAMES),
            "closures": [
                next_closure(line, self.today) for line in entry.get("closures", [])
            ],
        }

    def build_services(self) -> None:
        for container, entry in self.items("services"):
            people = [self.find_in("people", name) for name in entry.get("people", [])]
            item = self.create(
                container,
                entry["id"],
                "Service",
                **picked(entry, (*COMMON, "street", "phones", "emails")),
                **self.address,
                **self.opening_hours(entry),
                people=[self.relation(person) for person in people if person],
            )
            if item is not None:
                self.publish(item)

    def build_places(self) -> None:
        for container, entry in self.items("places"):
            item = self.create(
                container,
                entry["id"],
                "Place",
                **picked(entry, (*COMMON, "street", "accessibility")),
                **self.address,
                **self.opening_hours(entry),
            )
            if item is not None:
                self.publish(item)

    def online_form(self, form_id: str | None):
        """The site's e-guichet form of that id, when it is installed."""
        form = self.find(f"{EGUICHET}/{form_id}") if form_id else None
        if form is None or not IEguichetForm.providedBy(form):
            return None
        return form

    def build_procedures(self) -> None:
        for container, entry in self.items("procedures"):
            sections = {
                name: rich_text(entry[name]) for name in SECTIONS if name in entry
            }
            service = self.find_in("services", entry["responsible_service"])
            item = self.create(
                container,
                entry["id"],
                "Procedure",
                **picked(entry, (*COMMON, "featured")),
                **sections,
                responsible_service=self.relation(service),
                online_form=self.relation(self.online_form(entry.get("online_form"))),
            )
            if item is not None:
                self.publish(item)

    def build_councils(self) -> None:
        for container, entry in self.items("councils"):
            members = [self.find_in("people", name) for name in entry["members"]]
            council = self.create(
                container,
                entry["id"],
                "Council",
                **picked(entry, COMMON),
                members=[self.relation(member) for member in members if member],
            )
            if council is not None:
                self.publish(council)
            for sitting in entry["sittings"]:
                self.build_sitting(f"{container}/{entry['id']}", sitting)

    def build_sitting(self, council_path: str, entry: dict) -> None:
        place = self.find_in("places", entry["place"]) if "place" in entry else None
        item = self.create(
            council_path,
            entry["id"],
            "Sitting",
            **picked(entry, (*COMMON, "live_stream")),
            start=moment(day_of(entry, self.today), entry["at"]),
            place=self.relation(place),
            agenda=rich_text(entry["agenda"]) if "agenda" in entry else None,
        )
        if item is not None:
            self.publish(item)

    def build_news(self) -> None:
        for container, entry in self.items("news"):
            item = self.create(
                container,
                entry["id"],
                "News Item",
                **picked(entry, COMMON),
                text=rich_text(entry["text"]),
            )
            if item is not None:
                self.publish(item, effective=self.now - timedelta(entry["days_ago"]))

    def build_events(self) -> None:
        for container, entry in self.items("events"):
            day = day_of(entry, self.today)
            place = self.find_in("places", entry["place"]) if "place" in entry else None
            item = self.create(
                container,
                entry["id"],
                "Event",
                **picked(entry, (*COMMON, *EVENT_DETAILS)),
                place=self.relation(place),
                start=event_moment(day, entry["at"]),
                end=event_moment(day, entry["until"]),
                text=rich_text(entry["text"]),
            )
            if item is not None:
                self.publish(item)

    def build_publications(self) -> None:
        for container, entry in self.items("publications"):
            day = day_of(entry, self.today)
            publication = self.create(
                container,
                entry["id"],
                "Publication",
                **picked(entry, (*COMMON, "publication_type")),
                publication_date=day,
            )
            if publication is None:
                continue
            self.publish(publication, effective=event_moment(day, "09:00"))
            document = text_pdf([
                entry["title"],
                entry["description"],
                f"{self.address['postal_code']} {self.address['city']}, {day:%d/%m/%Y}",
            ])
            api.content.create(
                container=publication,
                type="File",
                id=f"{entry['id']}.pdf",
                title=f"{entry['title']} (PDF)",
                file=NamedBlobFile(
                    data=document,
                    contentType="application/pdf",
                    filename=f"{entry['id']}.pdf",
                ),
            )

    def build_alerts(self) -> None:
        start = self.now.replace(second=0, microsecond=0, tzinfo=None)
        for container, entry in self.items("alerts"):
            item = self.create(
                container,
                entry["id"],
                "Alert",
                **picked(entry, (*COMMON, "severity")),
                start=start,
                end=start + timedelta(days=entry["for_days"]),
            )
            if item is not None:
                self.publish(item)


def apply_demo_content(site, answers: dict, changes: list[str]) -> None:
    """Create the demo content that was never created in this site."""
    demo = DemoContent(site, answers, datetime.now(TIMEZONE))
    created = demo.build()
    annotations = IAnnotations(site)
    if set(annotations.get(RECORD_KEY, ())) != demo.record:
        annotations[RECORD_KEY] = tuple(sorted(demo.record))
    if created:
        changes.append(f"contenu de démonstration ({len(created)} éléments)")
