"""Pages that a transform parsed go out in UTF-8, as the templates wrote them."""

from imio.website.interfaces import IImioWebsiteLayer
from lxml import etree
from plone.transformchain.interfaces import ITransform
from repoze.xmliter.serializer import XMLSerializer
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


@implementer(ITransform)
@adapter(Interface, IImioWebsiteLayer)
class PageTransform:
    """A step of the site's transform chain that works on whole pages only.

    Plone hands a page to the chain as bytes, text or an iterable; the
    site's steps only change what arrives as an iterable (a template's
    output, or a parsed tree) and leave the rest untouched (None).
    """

    order = 0

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def transformBytes(self, result, encoding):
        return None

    def transformUnicode(self, result, encoding):
        return None

    def transformIterable(self, result, encoding):
        return None


class SerializeInUtf8(PageTransform):
    """After plone.protect's tokens, UTF-8 rather than character references.

    plone.protect parses the pages of signed-in users to add its tokens to
    forms, and writes them back as ASCII: every accented letter becomes a
    reference such as ``&#233;``. Diazo used to write them in UTF-8; without
    it, this transform does.
    """

    order = 9050

    def transformIterable(self, result, encoding):
        if not isinstance(result, XMLSerializer):
            return None
        if isinstance(result.tree, etree._XSLTResultTree):
            return None
        return [result.serialize(encoding=encoding or "utf-8")]
