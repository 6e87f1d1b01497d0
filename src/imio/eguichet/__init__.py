"""E-guichet: citizen e-procedure forms, cases and back office."""

from zope.i18nmessageid import MessageFactory


_ = MessageFactory("imio.eguichet")
