"""Navigation by audience ("Je suis") and by life event ("Je trouve")."""

from imio.website import _
from plone import api
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import NotFound
from zope.component import getUtility
from zope.i18n import translate
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse
from zope.schema.interfaces import IVocabularyFactory


# Types listed first on a term's page; the others follow by type name.
FIRST_TYPES = ("Procedure", "Service")


@implementer(IPublishTraverse)
class TermNavigationView(BrowserView):
    """The terms of a taxonomy, or what is tagged with one: ``@@view/<term>``."""

    taxonomy = ""
    title = ""
    index_template = ViewPageTemplateFile("navigation_index.pt")
    term_template = ViewPageTemplateFile("navigation_term.pt")

    def __init__(self, context, request):
        super().__init__(context, request)
        self.term = None
        self.language = None

    def publishTraverse(self, request, name):
        if self.term is not None or name not in self.terms():
            raise NotFound(self, name, request)
        self.term = name
        return self

    def __call__(self):
        if self.term is None:
            return self.index_template()
        return self.term_template()

    def _(self, message) -> str:
        # The page's language once, rather than negotiated again for each label.
        if self.language is None:
            self.language = api.portal.get_current_language(context=self.context)
        return translate(message, context=self.request, target_language=self.language)

    def heading(self) -> str:
        return self._(self.title)

    @property
    def page_title(self) -> str:
        return self.term_title() if self.term is not None else self.heading()

    def url(self) -> str:
        return f"{self.context.absolute_url()}/@@{self.__name__}"

    def terms(self) -> dict[str, str]:
        """Identifier and label of each term, in the taxonomy's order."""
        factory = getUtility(
            IVocabularyFactory, name=f"collective.taxonomy.{self.taxonomy}"
        )
        return {term.value: self._(term.title) for term in factory(self.context)}

    def term_links(self) -> list[dict]:
        """Every term and its page, without counting: for the home page."""
        return [
            {"title": title, "url": f"{self.url()}/{identifier}"}
            for identifier, title in self.terms().items()
        ]

    def all_terms(self) -> list[dict]:
        """Every term with the number of items the reader may see."""
        index = f"taxonomy_{self.taxonomy}"
        terms = self.terms()
        counts = dict.fromkeys(terms, 0)
        for brain in api.content.find(**{index: list(terms)}):
            for identifier in getattr(brain, index, None) or ():
                if identifier in counts:
                    counts[identifier] += 1
        return [
            {
                "title": title,
                "url": f"{self.url()}/{identifier}",
                "count": counts[identifier],
            }
            for identifier, title in terms.items()
        ]

    def term_title(self) -> str:
        return self.terms()[self.term]

    def groups(self) -> list[dict]:
        """Tagged items grouped by type: procedures, services, then the others."""
        brains = api.content.find(
            **{f"taxonomy_{self.taxonomy}": self.term}, sort_on="sortable_title"
        )
        by_type = {}
        for brain in brains:
            by_type.setdefault(brain.portal_type, []).append({
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
            })
        types = api.portal.get_tool("portal_types")
        groups = [
            {
                "id": portal_type.replace(" ", "-").lower(),
                "title": self._(types[portal_type].Title()),
                "rank": FIRST_TYPES.index(portal_type)
                if portal_type in FIRST_TYPES
                else len(FIRST_TYPES),
                "links": links,
            }
            for portal_type, links in by_type.items()
        ]
        return sorted(groups, key=lambda group: (group["rank"], group["title"]))


class AudienceView(TermNavigationView):
    """Je suis: citizen, new resident, parent, young person…"""

    taxonomy = "audience"
    title = _("I am")


class LifeEventView(TermNavigationView):
    """Je trouve: birth, moving house, marriage…"""

    taxonomy = "life_event"
    title = _("I am looking for")
