"""What the catalog knows of a library copy."""

from imio.commune.library.copy import needs_review
from imio.commune.library.interfaces import ILibraryCopy
from plone.indexer import indexer


@indexer(ILibraryCopy)
def library_review(obj) -> bool:
    """True when the editors have a library change to review on this copy."""
    return needs_review(obj)
