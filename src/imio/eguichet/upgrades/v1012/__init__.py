"""1012: case records (decision letters, retention, audit trail, register)."""

PROFILE = "profile-imio.eguichet:default"
# The data protection officer's role and the audit trail's permission; the
# audit trail's and the letters' settings.
STEPS = ("rolemap", "plone.app.registry")


def case_records(context):
    for step in STEPS:
        context.runImportStepFromProfile(PROFILE, step)
    create_audit_trail(context)


def create_audit_trail(context):
    """The site's audit trail, created now rather than by the first case view."""
    from imio.eguichet import audit
    from plone import api

    audit.install(api.portal.get())
