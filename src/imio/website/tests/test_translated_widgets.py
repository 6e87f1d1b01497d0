"""Plone's form widgets on a commune site: in the page's language, valid HTML."""

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
    delivery = schema.Choice(
        title="Comment souhaitez-vous recevoir le certificat ?",
        values=["email", "post"],
        required=True,
    )


class RoomBookingForm(AutoExtensibleForm, form.Form):
    schema = IRoomBooking
    ignoreContext = True


class Publishing:
    """The request as the publisher marks it on a commune site."""

    def __init__(self, request):
        self.request = request


class TestWidgets(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def booking(self, language: str = "fr", **answers) -> RoomBookingForm:
        request = makeTestRequest(environ={"REQUEST_METHOD": "POST"})
        mark_layer(getSite(), Publishing(request))
        read_in(language, request)
        request.form.update(answers)
        booking = RoomBookingForm(self.layer["portal"], request)
        booking.update()
        return booking

    def widget(self, name: str, language: str):
        widget = self.booking(language).widgets[name]
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

    def test_a_required_list_s_prompt_has_an_empty_value(self):
        # HTML wants it so: the browser then refuses to send the prompt.
        widget = self.booking().widgets["delivery"]
        widget.prompt = True
        widget.update()
        page = lxml.html.fragment_fromstring(widget.render(), create_parent=True)
        options = [(option.get("value"), option.text) for option in page.iter("option")]
        self.assertEqual(options[0][0], "")
        self.assertEqual([value for value, _text in options[1:]], ["email", "post"])

    def test_the_empty_prompt_sent_anyway_is_no_answer(self):
        booking = self.booking(**{"form.widgets.delivery": [""]})
        _data, errors = booking.extractData()
        self.assertEqual(
            [error.widget.__name__ for error in errors], ["rules_accepted", "delivery"]
        )
