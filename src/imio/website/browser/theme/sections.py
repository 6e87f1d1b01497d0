"""The main navigation: the site's sections on one level, the current one marked."""

from plone.app.layout.viewlets.common import GlobalSectionsViewlet
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.i18n import translate


class MainSectionsViewlet(GlobalSectionsViewlet):
    """Plone's sections without drop-down levels, marked on the server.

    Marked here rather than by a script after load, the current section never
    changes the width of the navigation once the page shows.
    """

    index = ViewPageTemplateFile("sections.pt")

    def sections(self) -> list[dict]:
        context_url = self.context.absolute_url()
        root_url = self.navigation_root_url
        items = []
        for tab in self.portal_tabs:
            url = tab["url"]
            if url.rstrip("/") == root_url:
                current = "page" if context_url == root_url else None
            elif context_url == url:
                current = "page"
            elif context_url.startswith(url.rstrip("/") + "/"):
                current = "true"
            else:
                current = None
            if "title" in tab:
                # An action of portal_tabs ("Home"): its title is a message.
                title = translate(tab["title"], domain="plone", context=self.request)
            else:
                title = tab.get("name") or tab["id"]
            items.append({
                "id": tab["id"],
                "title": title,
                "url": url,
                "current": current,
            })
        return items
