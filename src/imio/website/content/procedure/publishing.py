"""A procedure is published only once its mandatory sections are filled in."""

from html import escape
from imio.website import _
from imio.website.content.procedure.content import IProcedure
from Products.CMFCore.WorkflowCore import WorkflowException
from Products.Five import BrowserView
from Products.statusmessages.interfaces import IStatusMessage
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import implementer
from zope.interface import Interface


PUBLISHED_STATES = ("published",)


class IPublishingRefused(Interface):
    """A transition to a published state that the content does not allow."""


@implementer(IPublishingRefused)
class PublishingRefused(WorkflowException):
    """Publishing refused; the message says what to complete."""

    def __init__(self, message, url: str = "") -> None:
        # CMF's workflow tool raises the error again from the first one.
        if isinstance(message, PublishingRefused):
            message, url = message.message, message.url
        super().__init__(message)
        self.message = message
        self.url = url


def section_titles(names: list[str], request) -> list[str]:
    """Translated titles of procedure fields."""
    return [translate(IProcedure[name].title, context=request) for name in names]


def refuse_incomplete(procedure, event):
    """Stop the transition to a published state while sections are missing."""
    if event.new_state is None or event.new_state.getId() not in PUBLISHED_STATES:
        return
    missing = procedure.missing_sections()
    if not missing:
        return
    request = getRequest()
    message = _(
        "This procedure cannot be published: fill in ${sections} first.",
        mapping={"sections": ", ".join(section_titles(missing, request))},
    )
    raise PublishingRefused(
        translate(message, context=request), procedure.absolute_url()
    )


class PublishingRefusedView(BrowserView):
    """Back to the procedure, with the reason as an error message."""

    def __call__(self):
        IStatusMessage(self.request).add(self.context.message, type="error")
        # Locked, or the failed request's error status would replace it.
        self.request.response.redirect(self.context.url, lock=True)
        return (
            f'<a href="{escape(self.context.url)}">{escape(self.context.message)}</a>'
        )
