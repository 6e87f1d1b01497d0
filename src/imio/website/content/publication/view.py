"""The page of a publication: what it is and its files to download."""

from imio.website.content.publication.content import PUBLICATION_TYPES
from plone import api
from Products.Five import BrowserView
from zope.i18n import translate


class PublicationView(BrowserView):
    """Type, date and files, listed from the catalog."""

    def publication_type(self) -> str:
        value = self.context.publication_type
        if value not in PUBLICATION_TYPES:
            return ""
        return translate(PUBLICATION_TYPES.getTerm(value).title, context=self.request)

    def date(self) -> str:
        day = self.context.publication_date
        return f"{day:%d/%m/%Y}" if day else ""

    def files(self) -> list[dict]:
        brains = api.content.find(
            context=self.context,
            depth=1,
            portal_type="File",
            sort_on="getObjPositionInParent",
        )
        return [
            {
                "title": brain.Title,
                "url": f"{brain.getURL()}/@@download/file",
                "size": brain.getObjSize,
            }
            for brain in brains
        ]
