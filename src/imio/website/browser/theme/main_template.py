"""The site's main template: Plone's, on Bootstrap markup of our own, no Diazo."""

from Products.CMFPlone.browser.main_template import MainTemplate as PloneMainTemplate
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class MainTemplate(PloneMainTemplate):
    """Plone's main template view with the commune's page layouts."""

    main_template = ViewPageTemplateFile("main_template.pt")
