"""The page of a case: what was asked, by whom, where it stands, what to do."""

from AccessControl import getSecurityManager
from DateTime import DateTime
from imio.eguichet import _
from imio.eguichet import audit
from imio.eguichet.browser.answer import ANSWER_ERROR
from imio.eguichet.browser.dashboard import OPEN_STATES
from imio.eguichet.browser.workspace import badge_class
from imio.eguichet.browser.workspace import WorkspacePage
from imio.eguichet.cases import site_now
from imio.eguichet.content.case import public
from imio.eguichet.content.case.notes import add_note
from imio.eguichet.display import format_answer
from imio.eguichet.retention import anonymised_notice
from imio.eguichet.withdraw import CONFIRM_FIELD
from imio.eguichet.withdraw import NOT_CONFIRMED
from imio.eguichet.withdraw import withdraw
from imio.eguichet.withdraw import withdrawable
from imio.eguichet.withdraw import WITHDRAWN
from imio.eguichet.workflow import COMMENT_REQUIRED
from plone import api
from plone.protect.authenticator import check
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


PROCESS = "imio.eguichet: Process Case"
VIEW_NOTES = "imio.eguichet: View Internal Notes"
WITHDRAW = "imio.eguichet: Withdraw Case"
# The applicant answers and withdraws through their own forms, never this list.
HIDDEN_TRANSITIONS = ("provide_info", "withdraw")
# What the provider's assurance levels stand for (FAS: eID 450, itsme 400).
SIGN_IN_MEANS = {450: _("identity card"), 400: "itsme"}
MAX_TEXT = 10000


class CaseView(WorkspacePage, BrowserView):
    """A case as its applicant and its agents read it; agents act on it here."""

    template = ViewPageTemplateFile("view.pt")

    @property
    def page_layout(self) -> str:
        """The agents' workspace for them; one task's page for the applicant."""
        return "workspace" if self.can_view_internal_notes() else "transactional"

    @property
    def page_title(self) -> str:
        return self.translate(
            _(
                "Case ${reference}: ${form}",
                mapping={
                    "reference": self.reference(),
                    "form": self.context.form_title or "",
                },
            )
        )

    def __call__(self):
        self.errors = {}
        self.request.response.setHeader("Cache-Control", "private, no-store")
        self.use_workspace_styles()
        # A case is no place in the site's navigation: it stays out of the
        # catalog's title index (concurrent submissions), so the navigation
        # portlet would show it as a link without text.
        self.request.set("disable_plone.leftcolumn", True)
        if self.request.method == "POST":
            action = self.request.form.get("case_action")
            handler = {
                "transition": self.do_transition,
                "note": self.do_note,
                "assign": self.do_assign,
                "withdraw": self.do_withdraw,
            }.get(action)
            if handler is not None:
                check(self.request)
                if handler():
                    return self.request.response.redirect(self.context.absolute_url())
                self.request.response.setStatus(400)
        else:
            # Who read the applicant's personal data (not the applicant).
            audit.record(self.context, "view", self.request)
        return self.template()

    # Actions: each returns True when done, else sets self.errors.

    def do_transition(self) -> bool:
        transition = str(self.request.form.get("transition") or "")
        comment = self.typed("comment")
        if transition not in {item["id"] for item in self.transitions()}:
            self.errors["transition"] = _("Please choose an action.")
            return False
        if transition in COMMENT_REQUIRED and not comment:
            self.errors["comment"] = COMMENT_REQUIRED[transition]
            return False
        try:
            api.content.transition(self.context, transition=transition, comment=comment)
        except WorkflowException as error:
            self.errors["transition"] = str(error) or _("This action is not possible.")
            return False
        api.portal.show_message(_("The request has moved on."), request=self.request)
        return True

    def do_note(self) -> bool:
        if not self.can_add_note():
            self.errors["note"] = _("You may not add a note to this request.")
            return False
        text = self.typed("note")
        if not text:
            self.errors["note"] = _("Please write the note.")
            return False
        add_note(self.context, text)
        api.portal.show_message(_("The note has been added."), request=self.request)
        return True

    def do_assign(self) -> bool:
        if not self.can_process():
            self.errors["assignee"] = _("You may not assign this request.")
            return False
        assignee = str(self.request.form.get("assignee") or "")
        if assignee and assignee not in {agent["id"] for agent in self.agents()}:
            self.errors["assignee"] = _("Please choose an agent of the service.")
            return False
        self.context.assignee = assignee or None
        self.context.reindexObject(idxs=["case_assignee"])
        api.portal.show_message(
            _("The assignment has been saved."), request=self.request
        )
        return True

    def do_withdraw(self) -> bool:
        if not self.can_withdraw():
            self.errors["withdraw"] = _("This request can no longer be withdrawn.")
            return False
        if not self.request.form.get(CONFIRM_FIELD):
            self.errors["withdraw"] = NOT_CONFIRMED
            return False
        withdraw(self.context, self.typed("withdraw_reason"))
        api.portal.show_message(WITHDRAWN, request=self.request)
        return True

    def typed(self, name: str) -> str:
        return str(self.request.form.get(name) or "").strip()[:MAX_TEXT]

    # What the page shows.

    def reference(self):
        return self.context.formatted_reference()

    def state_title(self):
        return public.state_title(self.context)

    def state_badge_class(self) -> str:
        return badge_class(api.content.get_state(self.context))

    def overdue(self) -> bool:
        """Past its due date while the service has not decided on it."""
        due = self.context.due_date
        if due is None or api.content.get_state(self.context) not in OPEN_STATES:
            return False
        return due < site_now().date()

    def answers(self):
        """Label and value of each submitted field, in the form's order.

        Agents also read which answers the applicant's sign-in vouches for.
        """
        labels = self.context.labels or {}
        language = self.request.get("LANGUAGE") or api.portal.get_default_language()
        verified = self.verified_fields()
        return [
            {
                "label": labels.get(name, name),
                "value": format_answer(value, language),
                "verified": name in verified,
            }
            for name, value in (self.context.values or {}).items()
        ]

    def anonymised_notice(self) -> str:
        """ "Request anonymised on …": its answers are not all there any more."""
        language = self.request.get("LANGUAGE") or api.portal.get_default_language()
        return anonymised_notice(getattr(self.context, "anonymised_on", None), language)

    def verified_fields(self) -> set:
        if not self.can_view_internal_notes():
            return set()
        return set(getattr(self.context, "verified_fields", None) or ())

    def verified_text(self) -> str:
        """ "Verified by the sign-in", with the level and what it stands for."""
        level = self.context.identity_level
        means = SIGN_IN_MEANS.get(level)
        shown = f"{level}, {self.translate(means)}" if means else str(level)
        return self.translate(
            _("verified by the sign-in (level ${level})", mapping={"level": shown})
        )

    def service_title(self) -> str:
        """The title of the group that processes the case."""
        if not self.context.service:
            return ""
        group = api.group.get(groupname=self.context.service)
        return (group and group.getProperty("title")) or self.context.service

    def attachments(self):
        base = f"{self.context.absolute_url()}/@@attachment"
        labels = self.context.labels or {}
        return [
            {
                "label": labels.get(name, name),
                "filename": file.filename or name,
                "url": f"{base}/{name}",
            }
            for name, file in (self.context.attachments or {}).items()
        ]

    def due_date(self):
        return public.due_date(self.context)

    def history(self):
        return public.history(self.context)

    def messages(self):
        return public.messages(self.context)

    def notes(self):
        return [
            {
                "author": note.get("author_name") or note.get("author") or "",
                "time": public.localized(_datetime(note.get("date")), True),
                "text": note.get("text") or "",
            }
            for note in self.context.internal_notes or ()
        ]

    def can_answer(self):
        """Whether the applicant is asked for information and may answer."""
        return api.content.get_state(self.context) == "awaiting_info" and (
            getSecurityManager().checkPermission(
                "imio.eguichet: Answer Case", self.context
            )
        )

    def answer_error(self):
        """Why the answer just sent was refused (see browser.answer), or None."""
        return self.request.get(ANSWER_ERROR)

    def can_withdraw(self) -> bool:
        """The applicant, while no agent has decided on the request."""
        return withdrawable(self.context) and bool(
            getSecurityManager().checkPermission(WITHDRAW, self.context)
        )

    def can_process(self) -> bool:
        return bool(getSecurityManager().checkPermission(PROCESS, self.context))

    def can_view_internal_notes(self) -> bool:
        return bool(getSecurityManager().checkPermission(VIEW_NOTES, self.context))

    def can_add_note(self) -> bool:
        # A closed case still takes notes, so viewing the notes is the test.
        return self.can_view_internal_notes() and bool(
            getSecurityManager().checkPermission("View", self.context)
        )

    def transitions(self) -> list[dict]:
        """The transitions the current user may make, the applicant's excepted."""
        if not self.can_view_internal_notes():
            return []
        workflow = api.portal.get_tool("portal_workflow")
        return [
            {
                "id": item["id"],
                "title": item["name"],
                "comment_required": item["id"] in COMMENT_REQUIRED,
            }
            for item in workflow.getTransitionsFor(self.context)
            if item["id"] not in HIDDEN_TRANSITIONS
        ]

    def agents(self) -> list[dict]:
        """The members of the case's service, who may be assigned to it."""
        if not self.context.service:
            return []
        users = api.user.get_users(groupname=self.context.service)
        agents = [
            {"id": user.getId(), "title": user.getProperty("fullname") or user.getId()}
            for user in users
        ]
        return sorted(agents, key=lambda agent: agent["title"].lower())

    def assignee(self) -> str:
        assigned = self.context.assignee
        if not assigned:
            return ""
        user = api.user.get(userid=assigned)
        return (user and user.getProperty("fullname")) or assigned

    def chosen_transition(self) -> str:
        return str(self.request.form.get("transition") or "")


def _datetime(value):
    return DateTime(value) if value else None
