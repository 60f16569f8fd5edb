"""Atom feed of upcoming webinars."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from webinars.core.i18n import i18n_text
from webinars.library import selectors as library_selectors
from webinars.programme import selectors

FEED_LIMIT = 50


class UpcomingWebinarsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Museum Webinars: upcoming webinars")
    subtitle = _("Online capacity-building webinars for museum professionals.")
    link = "/"

    def items(self):
        return selectors.webinar_upcoming().select_related("series__organiser")[:FEED_LIMIT]

    def item_title(self, item) -> str:
        return i18n_text(item.title, original=item.original_language)

    def item_description(self, item) -> str:
        return i18n_text(item.summary, original=item.original_language) or str(item.series)

    def item_link(self, item) -> str:
        return item.get_absolute_url()

    def item_guid(self, item) -> str:
        # An Atom id must be an absolute IRI; the permanent link survives renames.
        return settings.SITE_URL + item.get_permanent_url()

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item) -> str:
        return str(item.series.organiser)


class LibraryFeed(Feed):
    """New items of the library, newest first."""

    feed_type = Atom1Feed
    title = _("Museum Webinars: new in the library")
    subtitle = _("Guides, recordings, slides and links from the webinars for museum professionals.")
    link = "/library/"

    def items(self):
        return library_selectors.items_newest(FEED_LIMIT)

    def item_title(self, item) -> str:
        return i18n_text(item.title, original=item.original_language)

    def item_description(self, item) -> str:
        return i18n_text(item.description, original=item.original_language) or item.get_kind_display()

    def item_link(self, item) -> str:
        return item.get_absolute_url()

    def item_guid(self, item) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at or item.created_at

    def item_updateddate(self, item):
        return item.updated_at
