"""What an applicant reads of a case: its status, history and messages.

Plain strings only, never internal notes nor who processed the case: the
anonymous follow-up page shows exactly this.
"""

from datetime import date
from datetime import datetime
from DateTime import DateTime
from imio.eguichet import _
from imio.eguichet.display import format_date
from imio.eguichet.workflow import WORKFLOW_ID
from plone import api
from zoneinfo import ZoneInfo


BRUSSELS = "Europe/Brussels"


def state_title(case) -> str:
    """The title of the case's state (a msgid of the workflow)."""
    return api.portal.get_tool("portal_workflow").getTitleForStateOnType(
        api.content.get_state(case), case.portal_type
    )


def due_date(case) -> str | None:
    if case.due_date is None:
        return None
    return localized(case.due_date)


def history(case) -> list[dict]:
    """Each step of the workflow, oldest first, with its comment."""
    workflow = api.portal.get_tool("portal_workflow")
    return [
        {
            "state": workflow.getTitleForStateOnType(
                entry["review_state"], case.portal_type
            ),
            "time": localized(entry["time"], long_format=True),
            "comments": entry.get("comments") or "",
        }
        for entry in case.workflow_history.get(WORKFLOW_ID, ())
    ]


def messages(case) -> list[dict]:
    """The messages exchanged with the applicant, oldest first."""
    return [
        {
            "sender": _("You") if message.get("from_applicant") else _("Service"),
            "from_applicant": bool(message.get("from_applicant")),
            "time": localized(DateTime(message["date"]), long_format=True),
            "text": message.get("text") or "",
            "files": list(message.get("files") or ()),
        }
        for message in case.messages or ()
    ]


def localized(value, long_format=False) -> str:
    """``3 décembre 2026`` (``, 10:05`` in long format), in the site's time zone.

    A calendar date (a due date) is that day wherever the server runs.
    """
    if not value:
        return ""
    language = api.portal.get_current_language() or "fr"
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value, language)
    zone = api.portal.get_registry_record("plone.portal_timezone", default=None)
    moment = DateTime(value).asdatetime().astimezone(ZoneInfo(zone or BRUSSELS))
    return format_date(moment if long_format else moment.date(), language)
