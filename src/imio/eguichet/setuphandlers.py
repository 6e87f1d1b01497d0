"""Setup helpers of imio.eguichet."""

from imio.eguichet import _
from imio.eguichet import audit
from imio.eguichet.content.case_folder.content import CASES_FOLDER_ID
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.identity.plugin import install_plugin
from plone import api
from plone.base.interfaces import INonInstallable
from plone.contentrules.engine.interfaces import IRuleAssignmentManager
from plone.dexterity.utils import createContentInContainer
from zope.i18n import translate
from zope.interface import implementer


# Only those who manage the site list the container; applicants and agents
# reach their cases one by one, each case protected by its own workflow.
LISTING_ROLES = ("Manager", "Site Administrator")


@implementer(INonInstallable)
class HiddenProfiles:
    """Profiles that the add-ons control panel does not offer."""

    def getNonInstallableProfiles(self):
        return ["imio.eguichet:uninstall"]

    def getNonInstallableProducts(self):
        return []


def post_install(context):
    """Create the site's cases container and the citizens' PAS plugin."""
    portal = api.portal.get()
    install_plugin(portal)
    audit.install(portal)
    if get_cases_folder(portal) is not None:
        return
    language = api.portal.get_registry_record("plone.default_language", default="fr")
    folder = createContentInContainer(
        portal,
        "CaseFolder",
        checkConstraints=False,
        id=CASES_FOLDER_ID,
        title=translate(_("Cases"), target_language=language),
        exclude_from_nav=True,
    )
    for permission in ("View", "List folder contents"):
        folder.manage_permission(permission, LISTING_ROLES, acquire=False)
    folder.reindexObjectSecurity()
    # Content rules keep their assignments in an annotation created at the
    # first addition; created now, it is not a write shared by the first cases.
    IRuleAssignmentManager(folder)
