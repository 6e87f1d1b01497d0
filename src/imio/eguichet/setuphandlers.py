"""Setup helpers of imio.eguichet."""

from plone.base.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    """Profiles that the add-ons control panel does not offer."""

    def getNonInstallableProfiles(self):
        return ["imio.eguichet:uninstall"]

    def getNonInstallableProducts(self):
        return []
