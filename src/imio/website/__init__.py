"""Communal website: content types, views and theme for citizens."""

from zope.i18nmessageid import MessageFactory


_ = MessageFactory("imio.website")
