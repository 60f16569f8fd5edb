from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.programme_report, name="programme"),
    path("series/<int:series_id>/", views.series_report, name="series"),
    path("webinar/<int:webinar_id>/", views.webinar_report, name="webinar"),
]
