"""Anonymous visitors cannot tell a case's address from an unknown one.

An existing case asks an anonymous visitor to log in (they may not view it);
an unknown reference must answer the same, or its answer would tell which
references exist. An unknown name under the cases folder therefore stands for
a case that nobody may view but logged-in users, to whom it answers 404: the
publisher authenticates and challenges exactly as for an existing case, and
the page of the challenge is drawn in the cases folder's context for both.
"""

from Acquisition import aq_chain
from Acquisition import Implicit
from imio.eguichet.interfaces import ICaseFolder
from plone.dexterity.browser.traversal import DexterityPublishTraverse
from Products.Five.browser import BrowserView
from zExceptions import NotFound
from zope.component import getSiteManager
from zope.interface import implementedBy
from zope.interface import Interface
from zope.interface import providedBy


class UnknownCase(Implicit):
    """A reference that no case has."""

    # Checked by the publisher once the user is known: anonymous visitors are
    # challenged as for an existing case, logged-in users get NotFound.
    __roles__ = ("Authenticated",)

    def __init__(self, name: str):
        self.name = name

    def __browser_default__(self, request):
        return self, ()

    def __call__(self, *args, **kwargs):
        """Nothing here."""
        raise NotFound(self.name)


class CaseFolderTraverse(DexterityPublishTraverse):
    """The cases folder's children; an unknown name ends on UnknownCase."""

    def publishTraverse(self, request, name):
        try:
            return super().publishTraverse(request, name)
        except (NotFound, KeyError, AttributeError):
            pass
        # Whatever follows the unknown name (a view, a file) is as unknown.
        del request["TraversalRequestNameStack"][:]
        return UnknownCase(name).__of__(self.context)


class CasesErrorView(BrowserView):
    """The refusal of a case's address, as if the cases folder refused it.

    The page that asks an anonymous visitor to log in is drawn in the
    context of what was refused: a case's would show its reference and type.
    Drawn in the cases folder's context, it is the same for any reference.
    """

    def __call__(self):
        factory = getSiteManager().adapters.lookup(
            (implementedBy(Exception), providedBy(self.request)),
            Interface,
            name="index.html",
        )
        view = factory(self.context, self.request)
        folder = cases_folder_above(self.__parent__)
        if folder is not None:
            view.__parent__ = folder
            # The publisher sets a <base> to the case it traversed to.
            self.request.response.base = None
        else:
            view.__parent__ = self.__parent__
        return view()


def cases_folder_above(obj):
    """The cases folder that holds ``obj``, or None."""
    for item in aq_chain(obj):
        if ICaseFolder.providedBy(item):
            return item
    return None
