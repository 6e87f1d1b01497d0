"""1008: the agents' workspace has its own navigation and styles."""

from plone.base.interfaces.resources import IBundleRegistry
from plone.registry.interfaces import IRegistry
from zope.component import getUtility


PROFILE = "profile-imio.eguichet:default"


def add_workspace(context):
    """The imio_workspace actions, and the bundle that the agents' pages use."""
    context.runImportStepFromProfile(PROFILE, "actions")
    bundles = getUtility(IRegistry).collectionOfInterface(
        IBundleRegistry, prefix="plone.bundles", check=False
    )
    bundle = bundles.setdefault("imio-workspace")
    bundle.enabled = False
    bundle.csscompilation = "++plone++imio.eguichet/workspace.css"
    bundle.depends = "plone"
    bundle.load_async = False
    bundle.load_defer = False
