"""Recurring events expanded once, at harvest time, into dated occurrences.

The rule is expanded in the event's wall time (Brussels time for a commune),
then each date is given its offset: the Saturday market at 8:00 stays at 8:00
across the changes to summer and to winter time. A rule that cannot end well
(``INTERVAL=0``, a rule that is no rule, more dates than the limit before the
horizon) is refused with a French message; expansion never loops.
"""

from datetime import datetime
from dateutil.rrule import rrulestr
from imio.website.recurrence import has_zero_interval
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError


LIMIT = 500


class RecurrenceError(ValueError):
    """A recurrence that cannot be expanded; the message is French."""


def zone(tz: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz or "Europe/Brussels")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RecurrenceError(f"fuseau horaire inconnu : {tz!s:.40}.") from exc


def wall(moment: datetime, where: ZoneInfo) -> datetime:
    """The moment as a naive wall time of the zone."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(where)
    return moment.replace(tzinfo=None)


def rule_lines(recurrence: str) -> str:
    """The rule's lines without DTSTART (the event's own start is used)."""
    lines = [
        line.strip()
        for line in recurrence.replace("\r", "\n").splitlines()
        if line.strip() and not line.strip().upper().startswith("DTSTART")
    ]
    if has_zero_interval(recurrence):
        raise RecurrenceError(
            "récurrence refusée : un intervalle de 0 ne donne aucune date "
            "suivante (INTERVAL=0)."
        )
    return "\n".join(lines)


def occurrences(
    start: datetime,
    end: datetime,
    recurrence: str,
    tz: str | None,
    whole_day: bool,
    until: datetime,
    limit: int = LIMIT,
) -> list[tuple[datetime, datetime]]:
    """Each occurrence's start and end, aware, in the event's zone, up to ``until``.

    Without a rule, the event itself. A whole-day event runs from midnight of
    its first day to the end of its last day.
    """
    where = zone(tz)
    first, last = wall(start, where), wall(end, where)
    if whole_day:
        first = first.replace(hour=0, minute=0, second=0, microsecond=0)
        last = last.replace(hour=23, minute=59, second=59, microsecond=0)
    if last < first:
        last = first
    duration = last - first
    horizon = wall(until, where)
    text = rule_lines(recurrence or "")
    if not text:
        starts = [first]
    else:
        try:
            rules = rrulestr(
                text, dtstart=first, forceset=True, ignoretz=True, unfold=True
            )
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise RecurrenceError(
                f"récurrence illisible ({' '.join(str(exc).split())[:80]})."
            ) from exc
        starts = []
        try:
            for moment in rules:
                if moment > horizon:
                    break
                starts.append(moment)
                if len(starts) > limit:
                    raise RecurrenceError(
                        f"récurrence refusée : plus de {limit} dates avant "
                        f"{horizon:%d/%m/%Y}."
                    )
        except RecurrenceError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            raise RecurrenceError(
                f"récurrence illisible ({' '.join(str(exc).split())[:80]})."
            ) from exc
    return [
        (moment.replace(tzinfo=where), (moment + duration).replace(tzinfo=where))
        for moment in starts
    ]


def aware(value: str | None) -> datetime | None:
    """An ISO date-time of the feed, aware (UTC when it has no offset)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment
