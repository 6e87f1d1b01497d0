"""The easyform action that tells the commune of each new case.

The mail holds the case's reference, its form and a link to it, never an
answer: the answers hold national register numbers and health information,
which an agent reads on the case's page, behind a login.
"""

from collective.easyform.actions import Action
from collective.easyform.actions import ActionFactory
from collective.easyform.interfaces import IAction
from imio.eguichet import _
from imio.eguichet.actions import submitted_case
from imio.eguichet.workflow.notifications import notify_service
from plone.schema import Email
from plone.supermodel.exportimport import BaseHandler
from zope.interface import implementer


class INotifyService(IAction):
    """Tells the commune of each new case, without the answers."""

    recipient_email = Email(
        title=_("Recipient's e-mail address"),
        description=_("The commune's address that is told of each new case."),
        required=False,
    )


@implementer(INotifyService)
class NotifyService(Action):
    __doc__ = INotifyService.__doc__

    def __init__(self, recipient_email=None, **kw):
        self.recipient_email = recipient_email
        super().__init__(**kw)

    def onSuccess(self, fields, request):
        case, _access_code = submitted_case(request)
        if case is not None and self.recipient_email:
            notify_service(case, self.recipient_email)


NotifyServiceAction = ActionFactory(
    NotifyService,
    _("Tell the service"),
    "imio.eguichet.AddCaseAction",
)
NotifyServiceHandler = BaseHandler(NotifyService)
