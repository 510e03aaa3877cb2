from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "通知"

    def ready(self) -> None:
        from accounts.home import HOME_WIDGETS
        from residents.panels import RESIDENT_PANELS

        from . import auditing  # noqa: F401
        from .panels import home_widget, notice_history_panel

        if notice_history_panel not in RESIDENT_PANELS:
            RESIDENT_PANELS.append(notice_history_panel)
        if home_widget not in HOME_WIDGETS:
            HOME_WIDGETS.append(home_widget)
