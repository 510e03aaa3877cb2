from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "relief"
    verbose_name = "健康被害救済"

    def ready(self) -> None:
        from accounts.home import HOME_WIDGETS
        from residents.panels import RESIDENT_PANELS

        from . import auditing  # noqa: F401  (django-auditlog registration)
        from .widgets import home_widget, resident_panel

        HOME_WIDGETS.append(home_widget)
        RESIDENT_PANELS.append(resident_panel)
