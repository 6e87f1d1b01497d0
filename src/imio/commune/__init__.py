"""Commune distribution: site profiles and the fleet command line."""

from zope.i18nmessageid import MessageFactory


_ = MessageFactory("imio.commune")
