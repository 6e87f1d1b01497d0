from plone.app.layout.viewlets.toolbar import ToolbarViewletManager
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class AccessibleToolbar(ToolbarViewletManager):
    """Plone's toolbar, whose pin and unpin controls are named buttons.

    Also valid HTML: the toolbar role is on its inner block rather than on a
    <section>, and the personal links carry no "icon" attribute.
    """

    custom_template = ViewPageTemplateFile("toolbar.pt")
