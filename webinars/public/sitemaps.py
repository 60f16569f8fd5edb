from django.contrib.sitemaps import Sitemap

from webinars.programme import selectors
from webinars.programme.models import Person


class SeriesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return selectors.series_public()

    def lastmod(self, item):
        return item.updated_at


class WebinarSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return selectors.webinar_public().order_by("id")

    def lastmod(self, item):
        return item.updated_at


class PersonSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Person.objects.filter(talks__webinar__in=selectors.webinar_public()).distinct().order_by("slug")


SITEMAPS = {"series": SeriesSitemap, "webinars": WebinarSitemap, "people": PersonSitemap}
