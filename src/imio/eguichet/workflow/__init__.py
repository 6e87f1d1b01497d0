"""The case workflow: guards and notifications around its transitions."""

from imio.eguichet import _


WORKFLOW_ID = "imio_case_workflow"

# Transitions that need a comment, which the applicant reads.
COMMENT_REQUIRED = {
    "ask_info": _("Please say which information the applicant must provide."),
    "refuse": _("Please give the reason for the refusal."),
}
