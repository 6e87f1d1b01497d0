"""The main navigation: the site's sections on one level, the current one marked."""

from html import escape
from plone import api
from plone.app.layout.viewlets.common import GlobalSectionsViewlet
from plone.memoize import ram
from zope.component import getMultiAdapter
from zope.i18n import translate


# Written out rather than through a page template, as Plone does for its own
# navigation: a template costs half a millisecond more on every page.
SECTION = (
    '<li class="site-nav-item section-{id}">'
    '<a class="site-nav-link" href="{url}"{current}>{title}</a></li>'
)


def _visitors_sections_key(method, viewlet):
    """What visitors' sections depend on: the site, its language, its content.

    The catalog's counter changes with every indexed change (a section added,
    published, renamed or moved); the tabs' actions with their last change.
    """
    tabs = api.portal.get_tool("portal_actions").get("portal_tabs")
    actions_changed = max(
        (action._p_mtime or 0 for action in tabs.objectValues()), default=0
    )
    return (
        viewlet.navigation_root_url,
        viewlet.request.get("LANGUAGE"),
        api.portal.get_tool("portal_catalog").getCounter(),
        actions_changed,
    )


class MainSectionsViewlet(GlobalSectionsViewlet):
    """Plone's sections without drop-down levels, marked on the server.

    Marked here rather than by a script after load, the current section never
    changes the width of the navigation once the page shows.
    """

    def render(self) -> str:
        items = "".join(
            SECTION.format(
                id=escape(section["id"]),
                url=escape(section["url"]),
                current=(
                    f' aria-current="{section["current"]}"'
                    if section["current"]
                    else ""
                ),
                title=escape(section["title"]),
            )
            for section in self.sections()
        )
        return f'<ul class="site-nav-list" id="portal-globalnav">{items}</ul>'

    def sections(self) -> list[dict]:
        context_url = self.context.absolute_url()
        root_url = self.navigation_root_url
        anonymous = self.portal_state.anonymous()
        tabs = self._visitors_tabs() if anonymous else self._tabs()
        items = []
        for tab in tabs:
            url = tab["url"]
            if url.rstrip("/") == root_url:
                current = "page" if self.at_the_home_page(root_url) else None
            elif context_url == url:
                current = "page"
            elif context_url.startswith(url.rstrip("/") + "/"):
                current = "true"
            else:
                current = None
            items.append({**tab, "current": current})
        return items

    def at_the_home_page(self, root_url: str) -> bool:
        """The home page itself, not another page of the root (search...)."""
        if self.context.absolute_url() != root_url:
            return False
        actual = self.request.get("ACTUAL_URL", root_url).rstrip("/")
        return actual == root_url or actual.endswith("/index_html")

    @ram.cache(_visitors_sections_key)
    def _visitors_tabs(self) -> list[dict]:
        """The same for every visitor of a site, until its content changes."""
        return self._tabs()

    def _tabs(self) -> list[dict]:
        """The sections seen from the navigation root: never an excluded page.

        Plone adds a page excluded from the navigation while one is inside it;
        the legal pages, out of the navigation, stay out of it on their own
        pages too.
        """
        root = api.portal.get_navigation_root(self.context)
        tabs_view = getMultiAdapter((root, self.request), name="portal_tabs_view")
        tabs = []
        for tab in tabs_view.topLevelTabs():
            if "title" in tab:
                # An action of portal_tabs ("Home"): its title is a message.
                title = translate(tab["title"], domain="plone", context=self.request)
            else:
                title = tab.get("name") or tab["id"]
            tabs.append({"id": tab["id"], "title": title, "url": tab["url"]})
        return tabs
