"""The commune's colour, changed by its administrator without touching CSS."""

from imio.commune import _
from imio.commune.answers import contrast_with_white
from imio.commune.answers import MINIMUM_CONTRAST
from imio.commune.browser.branding import COLOUR
from imio.commune.browser.branding import RECORD
from plone import api
from plone.autoform.form import AutoExtensibleForm
from z3c.form import button
from z3c.form import form
from zope import schema
from zope.interface import Interface
from zope.interface import Invalid


def valid_colour(value: str) -> bool:
    if not COLOUR.match(value or ""):
        raise Invalid(_("Write the colour as # followed by six hexadecimal digits."))
    if contrast_with_white(value) < MINIMUM_CONTRAST:
        raise Invalid(
            _(
                "This colour is too light: white text on it reaches "
                "${ratio}:1, at least 4.5:1 is needed.",
                mapping={"ratio": f"{contrast_with_white(value):.1f}"},
            )
        )
    return True


class IBranding(Interface):
    main_colour = schema.TextLine(
        title=_("Main colour"),
        description=_(
            "The colour of the header and buttons, as #rrggbb; dark enough for "
            "white text (contrast 4.5:1)."
        ),
        constraint=valid_colour,
    )


class BrandingForm(AutoExtensibleForm, form.Form):
    """Edit ``imio.commune.main_colour``; the logo lives in Plone's site settings."""

    schema = IBranding
    ignoreContext = True
    label = _("Colour of the commune")

    def updateWidgets(self):
        super().updateWidgets()
        widget = self.widgets["main_colour"]
        if not self.request.form.get(widget.name):
            widget.value = api.portal.get_registry_record(RECORD, default="") or ""

    @button.buttonAndHandler(_("Save"), name="save")
    def handle_save(self, action):
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        api.portal.set_registry_record(RECORD, data["main_colour"].lower())
        api.portal.show_message(_("The colour of the commune is saved."), self.request)
        self.request.response.redirect(
            f"{self.context.absolute_url()}/@@commune-branding"
        )
