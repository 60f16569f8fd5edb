from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("platforms/bigbluebutton/<str:hook_key>/analytics/", views.bbb_analytics, name="bbb_analytics"),
    path("platforms/zoom/<str:hook_key>/webhook/", views.zoom_webhook, name="zoom_webhook"),
]
