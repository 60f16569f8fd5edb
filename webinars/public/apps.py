from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "webinars.public"
    label = "public"
