"""Content images in every width a screen needs: Plone's picture variants."""

from plone.app.contenttypes.behaviors.viewlets import LeadImageViewlet


class ResponsiveLeadImageViewlet(LeadImageViewlet):
    """A page's lead image as a <picture>: a phone downloads a phone's width.

    Plone's own viewlet sends the 800 px scale to every screen. The image is
    at the top of the page, often its largest paint: it is not lazy-loaded.
    """

    def picture(self) -> str:
        images = self.context.restrictedTraverse("@@images")
        return images.picture(
            "image",
            picture_variant="large",
            css_class="figure-img img-fluid",
            alt=self.context.Title(),
            title=None,
            lazy=False,
        )
