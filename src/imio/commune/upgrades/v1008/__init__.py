"""1008: no navigation tree in the left column of the commune's pages."""

from imio.commune.portlets import remove_root_portlets
from plone import api


def remove_navigation_portlet(setup_tool):
    """Remove the root's navigation portlet, as a site created today has none."""
    remove_root_portlets(api.portal.get(), [])
