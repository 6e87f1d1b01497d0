"""Setup helpers of imio.commune."""

from plone.base.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    """The policy is applied by the distribution, not from the add-ons panel."""

    def getNonInstallableProfiles(self):
        return ["imio.commune:default"]

    def getNonInstallableProducts(self):
        return ["imio.commune"]
