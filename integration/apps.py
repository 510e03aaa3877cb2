from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "システム連携"

    def ready(self) -> None:
        from accounts.home import HOME_WIDGETS
        from residents.panels import RESIDENT_PANELS

        from . import auditing  # noqa: F401  (django-auditlog registration)
        from .views import home_widget, resident_panel

        if home_widget not in HOME_WIDGETS:
            HOME_WIDGETS.append(home_widget)
        if resident_panel not in RESIDENT_PANELS:
            RESIDENT_PANELS.append(resident_panel)
