from plone.app.layout.viewlets.toolbar import ToolbarViewletManager
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class AccessibleToolbar(ToolbarViewletManager):
    """Plone's toolbar, whose pin and unpin controls are named buttons."""

    custom_template = ViewPageTemplateFile("toolbar.pt")
