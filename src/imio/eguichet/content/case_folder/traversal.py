"""Anonymous visitors cannot tell a case's address from an unknown one.

An existing case asks an anonymous visitor to log in (they may not view it);
an unknown reference must answer the same, or its answer would tell which
references exist. An unknown name under the cases folder therefore stands for
a case that nobody may view but logged-in users, to whom it answers 404: the
publisher authenticates and challenges exactly as for an existing case, and
the page of the challenge is drawn in the cases folder's context for both.
The REST API traverses past the adapters: there, the cases folder sends an
unknown reference to the same stand-in through the ``++unknown_case++``
namespace (see CaseFolder.__before_publishing_traverse__).
"""

from Acquisition import aq_chain
from imio.eguichet.interfaces import ICaseFolder
from imio.eguichet.reference import normalize_reference
from plone.dexterity.browser.traversal import DexterityPublishTraverse
from plone.rest.interfaces import IAPIRequest
from Products.Five.browser import BrowserView
from zExceptions import NotFound
from zope.component import getSiteManager
from zope.interface import implementedBy
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import providedBy
from zope.location.interfaces import LocationError
from zope.traversing.interfaces import ITraversable


class UnknownCase:
    """A reference that no case has."""

    # Checked by the publisher once the user is known: anonymous visitors are
    # challenged as for an existing case, logged-in users get NotFound.
    __roles__ = ("Authenticated",)

    def __init__(self, name: str, folder):
        self.name = name
        # A location, not an acquisition wrapper: the REST API traverses
        # through wrappers that cannot acquire.
        self.__parent__ = folder

    def __browser_default__(self, request):
        return self, ()

    def __call__(self, *args, **kwargs):
        """Nothing here."""
        raise NotFound(self.name)


UNKNOWN_CASE_NAMESPACE = "unknown_case"


def unknown_case_in_api(folder, request):
    """In the REST API, turn the next name into the stand-in if no case has it."""
    if not IAPIRequest.providedBy(request):
        return
    stack = request.get("TraversalRequestNameStack")
    name = stack[-1] if stack else ""
    if normalize_reference(name) != name or folder._getOb(name, None) is not None:
        return
    # Whatever follows the unknown name is as unknown.
    stack[:] = [f"++{UNKNOWN_CASE_NAMESPACE}++{name}"]


@implementer(ITraversable)
class UnknownCaseNamespace:
    """``++unknown_case++{name}``: the stand-in, under the cases folder only."""

    def __init__(self, context, request=None):
        self.context = context

    def traverse(self, name, remaining):
        # Through the REST API, the folder comes wrapped.
        folder = getattr(self.context, "context", self.context)
        if not ICaseFolder.providedBy(folder):
            raise LocationError(self.context, name)
        return UnknownCase(name, folder)


class CaseFolderTraverse(DexterityPublishTraverse):
    """The cases folder's children; an unknown name ends on UnknownCase."""

    def publishTraverse(self, request, name):
        try:
            return super().publishTraverse(request, name)
        except (NotFound, KeyError, AttributeError):
            pass
        # Whatever follows the unknown name (a view, a file) is as unknown.
        del request["TraversalRequestNameStack"][:]
        return UnknownCase(name, self.context)


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
