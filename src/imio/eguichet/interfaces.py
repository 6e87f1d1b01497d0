"""Interfaces of imio.eguichet."""

from plone.supermodel import model
from zope.interface import Attribute
from zope.interface.interfaces import IObjectEvent
from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class IImioEguichetLayer(IDefaultBrowserLayer):
    """Browser layer active on sites where imio.eguichet is installed."""


class ICaseFolder(model.Schema):
    """The one container of all the cases of a site."""


class ICaseSubmittedEvent(IObjectEvent):
    """A citizen's submission has just become a case."""

    access_code = Attribute("Code that lets an anonymous applicant follow it")
    form = Attribute("The form submitted (None when the sender did not say)")
