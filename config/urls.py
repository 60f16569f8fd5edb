from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from webinars.api.urls import api
from webinars.core import health
from webinars.core.media import media_image
from webinars.programme.admin.view_on_site import view_on_site
from webinars.public import library_views
from webinars.public import views as public_views
from webinars.public.feeds import LibraryFeed, UpcomingWebinarsFeed
from webinars.public.sitemaps import SITEMAPS

feeds = ([path("upcoming.atom", UpcomingWebinarsFeed(), name="upcoming"), path("library.atom", LibraryFeed(), name="library")], "feeds")

urlpatterns = [
    path("", include("webinars.registrations.urls")),
    path("", include("webinars.certificates.urls")),
    path("", include("webinars.feedback.urls")),
    path("", include("webinars.meetings.urls")),
    path("", include("webinars.public.urls")),
    path("reports/", include("webinars.reports.urls")),
    path("organise/account/", include("webinars.accounts.urls")),
    path("organise/", include("webinars.organise.urls")),
    path("library/", include("webinars.public.library_urls")),
    path("search/", library_views.search, name="search"),
    path("feeds/", include(feeds)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/v1/", api.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("-/hello", public_views.hello, name="hello"),
    # Before the admin's own: "view on site" only for objects of the user's series.
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site), name="admin-view-on-site"),
    path("admin/", admin.site.urls),
]
if settings.SERVE_MEDIA:
    urlpatterns.append(path(settings.MEDIA_URL.strip("/") + "/<path:path>", media_image, name="media"))
