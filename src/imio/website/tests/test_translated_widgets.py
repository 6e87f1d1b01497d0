"""Plone's form widgets speak the page's language on a commune site."""

from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import read_in
from plone.autoform.form import AutoExtensibleForm
from plone.browserlayer.layer import mark_layer
from plone.namedfile.field import NamedBlobImage
from plone.supermodel import model
from plone.testing.zope import makeTestRequest
from z3c.form import form
from zope import schema
from zope.component.hooks import getSite

import lxml.html
import unittest


class IRoomBooking(model.Schema):
    rules_accepted = schema.Bool(
        title="J'ai lu et j'accepte le règlement d'occupation des salles",
        required=True,
    )
    photo = NamedBlobImage(title="Photo", required=False)


class RoomBookingForm(AutoExtensibleForm, form.Form):
    schema = IRoomBooking
    ignoreContext = True


class Publishing:
    """The request as the publisher marks it on a commune site."""

    def __init__(self, request):
        self.request = request


class TestWidgets(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def widget(self, name: str, language: str):
        request = makeTestRequest()
        mark_layer(getSite(), Publishing(request))
        read_in(language, request)
        booking = RoomBookingForm(self.layer["portal"], request)
        booking.update()
        widget = booking.widgets[name]
        return lxml.html.fragment_fromstring(widget.render(), create_parent=True)

    def required_title(self, language: str) -> str:
        widget = self.widget("rules_accepted", language)
        return widget.cssselect("label span.required")[0].get("title")

    def accepted_types(self, language: str) -> str:
        widget = self.widget("photo", language)
        return " ".join(widget.cssselect(".form-text")[-1].text_content().split())

    def test_required_in_french_and_german(self):
        self.assertEqual(self.required_title("fr"), "Requis")
        self.assertEqual(self.required_title("de"), "Erforderlich")

    def test_accepted_types_in_french_and_german(self):
        self.assertEqual(self.accepted_types("fr"), "Types acceptés : image/*.")
        self.assertEqual(self.accepted_types("de"), "Erlaubte Dateitypen: image/*.")
