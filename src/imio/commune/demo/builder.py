"""Load the demo content of content/*.yaml into a commune site, once.

A profile's ``demo_content: true`` loads these files; a profile may instead
give its own sections as a list (``demo_content: [{container: agenda, …}]``),
in the same format: the demo's neighbouring communes have their own events.
Each file names a `container` (a path from the site root), a `type`, the
`defaults` of its items (and of their own) and its `items`; an item has an
`id` (a path below the container), the fields of its type, a `review_state`,
an `effective` date and `items` of its own, each with its `type`. A field's
value is converted as the field's schema asks (rich text, relation to a path
from the site root, date), and may be computed when the site is deployed:

    {in_days: 14, at: "19:30"} / {days_ago: 3} / {weekday: saturday, at: …}
        a day counted from the deployment, at a time in Brussels (the time of
        the deployment without `at`)
    {commune: postal_code} / {commune: city}      the commune's address
    {yearly: ["24/12-26/12: Fêtes"]}              closures, next occurrence
    {pdf: ["{parent.title}", …]}                  a one-page PDF of these lines

Each item is created only if it was never created before: a second deploy
creates nothing and changes nothing, an item that editors changed stays as
they left it, and one they deleted does not come back. An item whose container
is missing (a section the profile leaves out) is skipped, a relation to a
missing item or to one its field refuses is left empty.
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
from imio.commune.demo.pdf import text_pdf
from imio.website.opening_hours import TIMEZONE
from pathlib import Path
from plone import api
from plone.app.event.dx.behaviors import IEventBasic
from plone.app.textfield.interfaces import IRichText
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from plone.dexterity.utils import iterSchemataForType
from plone.namedfile.file import NamedBlobFile
from types import SimpleNamespace
from z3c.relationfield import RelationValue
from z3c.relationfield.interfaces import IRelationChoice
from z3c.relationfield.interfaces import IRelationList
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility
from zope.intid.interfaces import IIntIds
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IDate
from zope.schema.interfaces import IDatetime
from zope.schema.interfaces import IVocabularyFactory

import yaml


CONTENT = Path(__file__).parent / "content"
RECORD_KEY = "imio.commune.demo_content"
DAY_KEYS = {"in_days", "days_ago", "weekday", "at"}
ITEM_KEYS = ("id", "type", "items", "review_state", "effective")


@cache
def demo_data() -> dict[str, dict]:
    """The content files by name ("procedures"), as written."""
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(CONTENT.glob("*.yaml"))
    }


def demo_items(sections: list[dict] | None = None) -> dict[str, dict]:
    """Every item of the sections (the content files without them) by its
    path from the site root, children after parents."""
    if sections is None:
        sections = list(demo_data().values())
    items = {}

    def add(container: str, entry: dict, defaults: dict) -> None:
        path = f"{container}/{entry['id']}".strip("/")
        items[path] = {**defaults, **entry}
        for child in entry.get("items", ()):
            add(path, child, defaults)

    for section in sections:
        defaults = section.get("defaults", {})
        for entry in section["items"]:
            entry = {"type": section["type"], **entry}
            add(section.get("container", ""), entry, defaults)
    return items


def rich_text(text: str) -> RichTextValue:
    """HTML as written in the data; a plain sentence becomes a paragraph."""
    if not text.lstrip().startswith("<"):
        text = f"<p>{text}</p>"
    return RichTextValue(text, "text/html", "text/x-html-safe")


def type_fields(portal_type: str) -> dict:
    """Each field of a type by name, with the schema that sets it (each site
    has its own schemas: Plone caches them)."""
    fields = {}
    for schema in iterSchemataForType(portal_type):
        for name, field in getFieldsInOrder(schema):
            fields.setdefault(name, (schema, field))
    return fields


class DemoContent:
    """The demo content of one site, deployed at `now`."""

    def __init__(self, site, answers: dict, now: datetime):
        self.site = site
        self.now = now
        self.today: date = now.date()
        sections = answers.get("demo_content")
        self.items = demo_items(sections if isinstance(sections, list) else None)
        self.record = set(IAnnotations(site).get(RECORD_KEY, ()))
        self.created: list[str] = []
        self.done: set[str] = set()
        commune = get_commune(answers["refnis"])
        contact = answers.get("contact") or {}
        self.commune = SimpleNamespace(
            postal_code=contact.get("postal_code") or commune.postal_codes[0],
            city=contact.get("city") or commune.name_fr,
        )

    def find(self, path: str):
        """The item at `path` from the site root, or None."""
        item = self.site
        for name in path.split("/"):
            item = item.get(name) if hasattr(item, "get") else None
            if item is None:
                return None
        return item

    def build(self) -> list[str]:
        """Create what is missing; the paths created."""
        for path in self.items:
            self.load(path)
        return self.created

    def load(self, path: str) -> None:
        """Create the item of `path` unless it is or was there, after its
        container and the items its relations point to."""
        if path in self.done or path not in self.items:
            return
        self.done.add(path)
        container_path, _slash, item_id = path.rpartition("/")
        self.load(container_path)
        entry = self.items[path]
        container = self.find(container_path) if container_path else self.site
        if path in self.record or container is None:
            return
        self.record.add(path)
        if item_id in container.objectIds():
            return
        item = createContent(entry["type"])
        item.id = item_id
        fields = type_fields(entry["type"])
        for name, value in entry.items():
            if name in ITEM_KEYS:
                continue
            if name not in fields:
                raise ValueError(f"{path} : pas de champ « {name} »")
            schema, field = fields[name]
            value = self.value(field, value, item, container)
            if value is not None:
                field.set(schema(item), value)
        item = addContentToContainer(container, item)
        if "effective" in entry:
            effective = self.moment(entry["effective"], aware=True)
            item.setEffectiveDate(DateTime(effective.isoformat()))
        state = entry.get("review_state")
        if state and api.content.get_state(item, default=None) not in (state, None):
            api.content.transition(item, to_state=state)
        item.reindexObject()
        self.created.append(path)

    def value(self, field, value, item, container):
        """The value of the data converted for `field` of `item`."""
        if isinstance(value, dict):
            value = self.computed(value, field, item, container)
        if IRichText.providedBy(field) and isinstance(value, str):
            return rich_text(value)
        if IRelationChoice.providedBy(field):
            return self.relation(field, value)
        if IRelationList.providedBy(field):
            relations = [self.relation(field.value_type, path) for path in value]
            return [relation for relation in relations if relation is not None]
        return value

    def computed(self, spec: dict, field, item, container):
        """The value of a `{…}` of the data, computed for this deployment."""
        if "commune" in spec:
            return getattr(self.commune, spec["commune"])
        if "yearly" in spec:
            return [next_closure(line, self.today) for line in spec["yearly"]]
        if "pdf" in spec:
            lines = [
                line.format(parent=container, commune=self.commune)
                for line in spec["pdf"]
            ]
            return NamedBlobFile(
                data=text_pdf(lines),
                contentType="application/pdf",
                filename=item.id,
            )
        if not spec.keys() <= DAY_KEYS:
            raise ValueError(f"valeur inconnue : {spec}")
        if IDatetime.providedBy(field):
            return self.moment(spec, aware=field.interface.isOrExtends(IEventBasic))
        if IDate.providedBy(field):
            return day_of(spec, self.today)
        raise ValueError(f"une date pour le champ « {field.__name__} »")

    def moment(self, spec: dict, aware: bool) -> datetime:
        """The moment of a date of the data: aware for plone.app.event and
        the publication date, naive Brussels time as edit forms give it."""
        day = day_of(spec, self.today)
        if "at" in spec:
            return event_moment(day, spec["at"]) if aware else moment(day, spec["at"])
        now = self.now + timedelta(days=(day - self.today).days)
        now = now.replace(second=0, microsecond=0)
        return now if aware else now.replace(tzinfo=None)

    def relation(self, field, path: str) -> RelationValue | None:
        """A relation to the item at `path`, when it exists and `field`
        accepts it."""
        self.load(path)
        target = self.find(path)
        if target is None:
            return None
        with api.env.adopt_roles(["Manager"]):
            choices = getUtility(IVocabularyFactory, field.vocabularyName)(self.site)
            if target not in choices:
                return None
        return RelationValue(getUtility(IIntIds).getId(target))


def apply_demo_content(site, answers: dict, changes: list[str]) -> None:
    """Create the demo content that was never created in this site."""
    demo = DemoContent(site, answers, datetime.now(TIMEZONE))
    created = demo.build()
    annotations = IAnnotations(site)
    if set(annotations.get(RECORD_KEY, ())) != demo.record:
        annotations[RECORD_KEY] = tuple(sorted(demo.record))
    if created:
        changes.append(f"contenu de démonstration ({len(created)} éléments)")
