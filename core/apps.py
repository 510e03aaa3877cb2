from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Below every app, knowing no domain: an app only so that its template tags are found."""

    name = "core"
    verbose_name = "共通"
