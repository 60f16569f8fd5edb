from django.urls import path

from . import library_views as views

app_name = "library"

urlpatterns = [
    path("", views.library, name="list"),
    path("<int:item_id>/", views.item_detail, name="item"),
    path("<int:item_id>/preview/", views.item_preview, name="preview"),
    path("<int:item_id>/file", views.item_file, name="file"),
    path("<int:item_id>/captions/<str:language>.vtt", views.caption_file, name="captions"),
]
