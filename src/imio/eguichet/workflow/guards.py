"""Transitions that cannot happen without a comment."""

from imio.eguichet.workflow import COMMENT_REQUIRED
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.globalrequest import getRequest
from zope.i18n import translate


class CommentRequired(WorkflowException):
    """The transition was asked for without the comment it needs."""


def require_comment(case, event):
    """Refuse the transition when its mandatory comment is missing."""
    if event.transition is None:
        return
    message = COMMENT_REQUIRED.get(event.transition.id)
    comment = (event.kwargs or {}).get("comment") or ""
    if message and not comment.strip():
        raise CommentRequired(translate(message, context=getRequest()))
