"""The one container of every case of a site."""

from BTrees.OIBTree import OIBTree
from imio.eguichet.content.case.content import Case
from imio.eguichet.content.case_folder.traversal import unknown_case_in_api
from imio.eguichet.interfaces import ICaseFolder
from plone.dexterity.content import Container
from zope.interface import implementer


CASES_FOLDER_ID = "demandes"


@implementer(ICaseFolder)
class CaseFolder(Container):
    """All cases of a site, keyed by reference in one BTree.

    Unordered: an ordered folder writes its list of ids at every addition,
    and two submissions at the same moment would conflict on it.
    """

    _ordering = "unordered"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # BTreeFolder2 indexes ids per meta type, and creates that entry at
        # the first addition: made now, the first cases cannot conflict on it.
        self._mt_index[Case.meta_type] = OIBTree()

    def __before_publishing_traverse__(self, arg1, arg2=None):
        """An unknown reference in the REST API answers as an existing one."""
        super().__before_publishing_traverse__(arg1, arg2)
        unknown_case_in_api(self, arg2 or arg1)


def get_cases_folder(portal):
    """The cases container of a site, or None before installation."""
    folder = portal.get(CASES_FOLDER_ID)
    return folder if ICaseFolder.providedBy(folder) else None
