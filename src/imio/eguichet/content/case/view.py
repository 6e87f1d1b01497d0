"""The page of a case: what was asked, by whom, and where it stands."""

from AccessControl import getSecurityManager
from DateTime import DateTime
from imio.eguichet.workflow import WORKFLOW_ID
from plone import api
from Products.Five.browser import BrowserView


class CaseView(BrowserView):
    """A case as its applicant and its agents read it."""

    def reference(self):
        return self.context.formatted_reference()

    def state_title(self):
        return api.portal.get_tool("portal_workflow").getTitleForStateOnType(
            api.content.get_state(self.context), self.context.portal_type
        )

    def answers(self):
        """Label and value of each submitted field, in the form's order."""
        labels = self.context.labels or {}
        return [
            {"label": labels.get(name, name), "value": _text(value)}
            for name, value in (self.context.values or {}).items()
        ]

    def attachments(self):
        return [
            {"label": (self.context.labels or {}).get(name, name), "file": file}
            for name, file in (self.context.attachments or {}).items()
        ]

    def due_date(self):
        if self.context.due_date is None:
            return None
        return _local(DateTime(self.context.due_date.isoformat()))

    def history(self):
        """Each step of the workflow, oldest first, with its comment."""
        workflow = api.portal.get_tool("portal_workflow")
        entries = self.context.workflow_history.get(WORKFLOW_ID, ())
        return [
            {
                "state": workflow.getTitleForStateOnType(
                    entry["review_state"], self.context.portal_type
                ),
                "time": _local(entry["time"], long_format=True),
                "comments": entry.get("comments") or "",
            }
            for entry in entries
        ]

    def can_view_internal_notes(self):
        return getSecurityManager().checkPermission(
            "imio.eguichet: View Internal Notes", self.context
        )


def _local(value, long_format=False):
    return api.portal.get_localized_time(value, long_format=long_format)


def _text(value):
    if isinstance(value, dict) and "filename" in value:
        return value["filename"]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)
