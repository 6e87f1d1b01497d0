"""1011: citizens sign in with the identity provider (FAS)."""

from imio.eguichet.identity.plugin import install_plugin
from imio.eguichet.identity.settings import IIdentitySettings
from imio.eguichet.identity.settings import PREFIX
from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility


def install_identity(context):
    """The citizens' PAS plugin and the identity provider's settings (empty:
    citizens keep Plone's login form until a profile sets them)."""
    install_plugin(api.portal.get())
    getUtility(IRegistry).registerInterface(IIdentitySettings, prefix=PREFIX)
