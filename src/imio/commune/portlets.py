"""Portlets a commune site does without.

plone.app.event assigns an "Events" portlet to the right column of the site
root, which every page inherits. A commune site lists its upcoming events on
its home page and in its agenda, from the catalog; the portlet repeated them on
every page and woke each event to format its dates.

Plone assigns a navigation tree to the left column of the site root. On a
procedure or a service it listed one link, to the page itself; elsewhere, what
the section's own page lists. Citizens find their way by the header's sections,
the breadcrumbs, "Je trouve", "Je suis" and the search; editors may still give
a section a navigation portlet of its own.
"""

from plone.portlets.interfaces import IPortletAssignmentMapping
from plone.portlets.interfaces import IPortletManager
from zope.component import getMultiAdapter
from zope.component import queryUtility


REMOVED = (("plone.rightcolumn", "events"), ("plone.leftcolumn", "navigation"))


def remove_root_portlets(site, changes: list[str]) -> None:
    """Remove the root's duplicate portlets; nothing when they are gone."""
    for manager_name, name in REMOVED:
        manager = queryUtility(IPortletManager, name=manager_name, context=site)
        if manager is None:
            continue
        mapping = getMultiAdapter((site, manager), IPortletAssignmentMapping)
        if name in mapping:
            del mapping[name]
            changes.append(f"portlet {manager_name}/{name} retiré")
