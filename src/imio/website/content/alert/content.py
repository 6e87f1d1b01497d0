"""Alert: a banner on every page between its start and its end."""

from datetime import datetime
from imio.website import _
from imio.website.opening_hours import TIMEZONE
from plone.dexterity.content import Item
from plone.indexer import indexer
from plone.supermodel import model
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

import DateTime


SEVERITIES = SimpleVocabulary([
    SimpleTerm("info", title=_("Information")),
    SimpleTerm("warning", title=_("Warning")),
    SimpleTerm("urgent", title=_("Urgent")),
])


class IAlert(model.Schema):
    """An alert for every visitor: water cut, road works, storm."""

    severity = schema.Choice(title=_("Severity"), vocabulary=SEVERITIES, default="info")
    start = schema.Datetime(
        title=_("Shown from"),
        description=_("Date and time in Belgium."),
    )
    end = schema.Datetime(
        title=_("Shown until"),
        description=_("The alert disappears by itself at this moment."),
    )
    link = schema.URI(
        title=_("More information"),
        description=_("A page that explains the alert, on this site or another."),
        required=False,
    )

    @invariant
    def ends_after_start(data):
        if data.start and data.end and data.end <= data.start:
            raise Invalid(_("The end of the alert must come after its start."))


def in_brussels(moment: datetime) -> datetime:
    """An aware datetime; naive ones, as the edit form gives, are Brussels time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=TIMEZONE)
    return moment


def to_zope(moment: datetime) -> DateTime.DateTime:
    return DateTime.DateTime(in_brussels(moment).isoformat())


@implementer(IAlert)
class Alert(Item):
    """An alert."""

    def is_active(self, at: datetime) -> bool:
        return in_brussels(self.start) <= at < in_brussels(self.end)


@indexer(IAlert)
def start_indexer(alert):
    return to_zope(alert.start)


@indexer(IAlert)
def end_indexer(alert):
    return to_zope(alert.end)


@indexer(IAlert)
def severity_indexer(alert):
    return alert.severity
