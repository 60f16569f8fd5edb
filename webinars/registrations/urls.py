from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("series/<slug:series_slug>/register/", views.register_series, name="register_series"),
    path("series/<slug:series_slug>/<slug:webinar_slug>/register/", views.register_webinar, name="register"),
    path("r/", views.request_links, name="request_links"),
    path("r/confirm/<str:token>/", views.confirm, name="confirm"),
    path("r/<str:token>/", views.manage, name="manage"),
    path("r/<str:token>/data.json", views.download_data, name="data"),
    path("r/<str:token>/erase/", views.erase, name="erase"),
    path("r/<str:token>/cancel/<uuid:registration_uuid>/", views.cancel, name="cancel"),
    path("j/<str:token>/", views.join, name="join"),
]
