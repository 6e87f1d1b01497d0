"""``GET {case}/@workflow``: the whole history, naming agents to agents only.

plone.restapi reads the history from the workflow's ``review_history``
variable, guarded by "Process Case": nobody has it once a case is closed or
withdrawn, and an applicant never, so that the history came back empty. The
history is read here from the case itself, for whoever may view the case;
who made each step (``actor``) is kept for those who see the agents' side.
"""

from AccessControl import getSecurityManager
from copy import deepcopy
from imio.eguichet.content.case.content import AGENTS_SIDE
from imio.eguichet.content.case.content import ICase
from imio.eguichet.interfaces import IImioEguichetLayer
from imio.eguichet.workflow import WORKFLOW_ID
from plone import api
from plone.restapi.interfaces import IExpandableElement
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from plone.restapi.services.workflow.info import WorkflowInfo
from zope.component import adapter
from zope.component import getUtility
from zope.interface import implementer
from zope.security.interfaces import IPermission


@implementer(IExpandableElement)
@adapter(ICase, IImioEguichetLayer)
class CaseWorkflowInfo(WorkflowInfo):
    def __call__(self, expand=False):
        result = super().__call__(expand=expand)
        if expand:
            result["workflow"]["history"] = self.history()
        return result

    def history(self) -> list[dict]:
        workflow = api.portal.get_tool("portal_workflow")
        agent = sees_agents_side(self.context)
        entries = []
        for entry in deepcopy(self.context.workflow_history.get(WORKFLOW_ID, ())):
            if not agent:
                entry.pop("actor", None)
            title = workflow.getTitleForStateOnType(
                entry["review_state"], self.context.portal_type
            )
            entry["title"] = self.context.translate(title)
            entries.append(entry)
        return json_compatible(entries)


def sees_agents_side(case) -> bool:
    permission = getUtility(IPermission, name=AGENTS_SIDE)
    return bool(getSecurityManager().checkPermission(permission.title, case))


class CaseWorkflowGet(Service):
    def reply(self):
        return CaseWorkflowInfo(self.context, self.request)(expand=True)["workflow"]
