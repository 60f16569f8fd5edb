from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("series/<slug:series_slug>/", views.series_detail, name="series"),
    path("series/<slug:series_slug>/calendar.ics", views.series_ics, name="series_ics"),
    path("series/<slug:series_slug>/<slug:webinar_slug>/", views.webinar_detail, name="webinar"),
    path("w/<int:webinar_id>/", views.permalink, name="permalink"),
    path("w/<int:webinar_id>/calendar.ics", views.webinar_ics, name="webinar_ics"),
    path("w/<int:webinar_id>/preview/", views.webinar_preview, name="preview"),
    path("people/<slug:person_slug>/", views.person_detail, name="person"),
]
