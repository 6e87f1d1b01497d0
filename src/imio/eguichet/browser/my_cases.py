"""``@@mes-demarches``: a logged-in citizen's own cases."""

from AccessControl import Unauthorized
from imio.eguichet import _
from imio.eguichet.browser.workspace import badge_class
from imio.eguichet.browser.workspace import WORKSPACE_BUNDLE
from imio.eguichet.reference import format_reference
from plone import api
from Products.CMFPlone.resources import add_bundle_on_request
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.i18n import translate


class MyCasesView(BrowserView):
    """The cases whose applicant is the current user, newest first."""

    template = ViewPageTemplateFile("templates/my_cases.pt")

    @property
    def page_title(self) -> str:
        return translate(
            _("My requests"),
            context=self.request,
            target_language=self.request.get("LANGUAGE") or None,
        )

    def __call__(self):
        if api.user.is_anonymous():
            # Plone answers with its login form, then comes back here.
            raise Unauthorized("Log in to see your requests.")
        self.request.response.setHeader("Cache-Control", "private, no-store")
        # The states' badges, in the colours agents see.
        add_bundle_on_request(self.request, WORKSPACE_BUNDLE)
        return self.template()

    def cases(self) -> list[dict]:
        # A search with the user's permissions: a case is listed only when
        # its applicant may also open it.
        brains = api.portal.get_tool("portal_catalog")(
            portal_type="Case",
            case_applicant=api.user.get_current().getId(),
            sort_on="created",
            sort_order="reverse",
        )
        workflow = api.portal.get_tool("portal_workflow")
        return [
            {
                "url": brain.getURL(),
                "reference": format_reference(brain.case_reference),
                "form_title": brain.case_form_title,
                "state": brain.review_state,
                "badge_class": badge_class(brain.review_state),
                "state_title": workflow.getTitleForStateOnType(
                    brain.review_state, "Case"
                ),
                "created": api.portal.get_localized_time(brain.created),
            }
            for brain in brains
        ]
