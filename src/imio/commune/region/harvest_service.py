"""``POST {site}/@region-sync``: the harvest, or "Autour de chez vous", in the instance.

On a regional site it harvests the communes' feeds; on a commune site with a
``region`` key it refreshes the neighbours' events. It answers the rows as
JSON: 502 when every row failed, 400 for a site that is neither.
"""

from imio.commune.region.harvest import harvest_site
from imio.commune.region.harvest import RESULT
from imio.commune.region.nearby import refresh_nearby
from imio.commune.region.site import is_region
from imio.commune.region.subscription import region_of
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.interface import alsoProvides


def region_sync(site) -> list[dict]:
    """The rows of what the site does for the regional agenda; [] when nothing."""
    if is_region(site):
        return harvest_site(site)
    if region_of(site):
        return [refresh_nearby(site)]
    return []


class RegionSyncPost(Service):
    def reply(self):
        # An API call of managers, JSON only, as plone.restapi's write services.
        alsoProvides(self.request, IDisableCSRFProtection)
        rows = region_sync(self.context)
        if not rows:
            self.request.response.setStatus(400)
            return {
                "error": "ce site n'est ni un agenda régional (kind: region) ni une "
                "commune qui y participe (clé region du profil)."
            }
        if all(str(row.get(RESULT, "")).startswith("échec") for row in rows):
            self.request.response.setStatus(502)
        return {"rows": rows}
