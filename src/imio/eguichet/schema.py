"""A form's fields, read from its model once per request.

collective.easyform parses the form's supermodel XML at each call of
``get_schema``: its form view alone asks for the schema some fifteen times
while it handles one submission.
"""

from collective.easyform.api import get_schema
from zope.annotation.interfaces import IAnnotations


FORM_SCHEMAS = "imio.eguichet.form_schemas"


def form_schema(form, request):
    """The schema of ``form``'s fields, parsed once for ``request``.

    Keyed by the form and the text of its model: a form whose fields change
    during the request (the fields editor) is parsed again.
    """
    schemas = IAnnotations(request).setdefault(FORM_SCHEMAS, {})
    key = (form.getPhysicalPath(), getattr(form, "fields_model", None))
    schema = schemas.get(key)
    if schema is None:
        schema = schemas[key] = get_schema(form)
    return schema
