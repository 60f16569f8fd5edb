from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from webinars.api.urls import api
from webinars.core import health
from webinars.public import views as public_views
from webinars.public.feeds import UpcomingWebinarsFeed
from webinars.public.sitemaps import SITEMAPS

feeds = ([path("upcoming.atom", UpcomingWebinarsFeed(), name="upcoming")], "feeds")

urlpatterns = [
    path("", include("webinars.registrations.urls")),
    path("", include("webinars.certificates.urls")),
    path("", include("webinars.feedback.urls")),
    path("", include("webinars.public.urls")),
    path("reports/", include("webinars.reports.urls")),
    path("organise/", include("webinars.organise.urls")),
    path("feeds/", include(feeds)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("api/v1/", api.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("-/hello", public_views.hello, name="hello"),
    path("admin/", admin.site.urls),
]
