from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "webinars.core"
    label = "core"
