"""Catalog metadata that lists and searches show without waking objects."""

from html import unescape
from imio.website.content.procedure.content import IProcedure
from imio.website.content.procedure.content import SECTIONS
from imio.website.content.procedure.content import TAGS
from imio.website.content.service.content import IService
from imio.website.opening_hours import hours_fields
from imio.website.opening_hours import IOpeningHours
from plone.indexer import indexer
from plone.uuid.interfaces import IUUID


@indexer(IOpeningHours)
def opening_hours_indexer(context):
    return hours_fields(context)


def plain(text) -> str:
    """The words of a rich text, without its markup."""
    if text is None:
        return ""
    return unescape(TAGS.sub(" ", text.raw or ""))


@indexer(IProcedure)
def procedure_searchable_text(procedure):
    parts = [procedure.Title(), procedure.Description()]
    parts.extend(plain(getattr(procedure, name, None)) for name in SECTIONS)
    return " ".join(part for part in parts if part)


@indexer(IProcedure)
def online_form_link(procedure) -> dict | None:
    """Where to ask online: the e-guichet form's UID, or an external address.

    A UID rather than an address: lists find the form in the catalog, under
    its current address and only when the reader may open it.
    """
    relation = procedure.online_form
    target = None if relation is None or relation.isBroken() else relation.to_object
    if target is not None:
        return {"uid": IUUID(target)}
    if procedure.online_form_url:
        return {"url": procedure.online_form_url}
    return None


@indexer(IService)
def service_searchable_text(service):
    parts = [service.Title(), service.Description(), service.street, service.city]
    return " ".join(part for part in parts if part)
