from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "webinars.api"
    label = "api"
