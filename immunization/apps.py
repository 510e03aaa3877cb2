from django.apps import AppConfig


class ImmunizationConfig(AppConfig):
    name = "immunization"
    verbose_name = "予防接種"

    def ready(self) -> None:
        from accounts.home import HOME_WIDGETS
        from residents.panels import RESIDENT_PANELS

        from . import auditing  # noqa: F401  (django-auditlog registration)
        from .panels import history_panel, work_widget

        if history_panel not in RESIDENT_PANELS:  # the history first, then the forecast beside it
            RESIDENT_PANELS.append(history_panel)
        if work_widget not in HOME_WIDGETS:
            HOME_WIDGETS.append(work_widget)
        from .schedule import signals  # noqa: F401  (rule cache invalidation, auditlog, forecast panel)
