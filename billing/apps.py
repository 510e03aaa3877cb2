from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "自己負担・請求"

    def ready(self) -> None:
        from accounts.home import HOME_WIDGETS
        from residents.panels import RESIDENT_PANELS

        from . import auditing  # noqa: F401  (django-auditlog registration)
        from .panels import copayment_panel, home_widget

        if copayment_panel not in RESIDENT_PANELS:
            RESIDENT_PANELS.append(copayment_panel)
        if home_widget not in HOME_WIDGETS:
            HOME_WIDGETS.append(home_widget)
