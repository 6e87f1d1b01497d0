"""The page of a case: what was asked, by whom, and where it stands."""

from AccessControl import getSecurityManager
from imio.eguichet.content.case import public
from plone import api
from Products.Five.browser import BrowserView


class CaseView(BrowserView):
    """A case as its applicant and its agents read it."""

    def reference(self):
        return self.context.formatted_reference()

    def state_title(self):
        return public.state_title(self.context)

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
        return public.due_date(self.context)

    def history(self):
        return public.history(self.context)

    def messages(self):
        return public.messages(self.context)

    def can_answer(self):
        """Whether the applicant is asked for information and may answer."""
        return api.content.get_state(self.context) == "awaiting_info" and (
            getSecurityManager().checkPermission(
                "imio.eguichet: Answer Case", self.context
            )
        )

    def can_view_internal_notes(self):
        return getSecurityManager().checkPermission(
            "imio.eguichet: View Internal Notes", self.context
        )


def _text(value):
    if isinstance(value, dict) and "filename" in value:
        return value["filename"]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)
