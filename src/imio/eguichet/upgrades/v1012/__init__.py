"""1012: case records (decision letters, retention, audit trail, register)."""

PROFILE = "profile-imio.eguichet:default"
# The data protection officer's role and the audit trail's permission; the
# audit trail's and the letters' settings.
STEPS = ("rolemap", "plone.app.registry")


def case_records(context):
    for step in STEPS:
        context.runImportStepFromProfile(PROFILE, step)
    create_audit_trail(context)
    index_closed_cases(context)
    add_letter_template_action(context)


def create_audit_trail(context):
    """The site's audit trail, created now rather than by the first case view."""
    from imio.eguichet import audit
    from plone import api

    audit.install(api.portal.get())


def index_closed_cases(context):
    """The retention job's index and column, filled for the closed cases."""
    from imio.eguichet.retention import CLOSING_STATES
    from plone import api
    from Products.PluginIndexes.DateIndex.DateIndex import DateIndex

    catalog = api.portal.get_tool("portal_catalog")
    if "case_closed_on" not in catalog.indexes():
        index = DateIndex("case_closed_on")
        index.index_naive_time_as_local = True
        catalog.addIndex("case_closed_on", index)
    if "case_anonymised_on" not in catalog.schema():
        catalog.addColumn("case_anonymised_on")
    closed = catalog.unrestrictedSearchResults(
        portal_type="Case", review_state=list(CLOSING_STATES)
    )
    for brain in closed:
        case = brain._unrestrictedGetObject()
        catalog.catalog_object(case, idxs=["case_closed_on"], update_metadata=True)


def add_letter_template_action(context):
    """ "Letter template" in the Actions menu of each e-guichet form."""
    context.runImportStepFromProfile(PROFILE, "actions")
