from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "自己負担・請求"

    def ready(self) -> None:
        from residents.panels import RESIDENT_PANELS

        from . import auditing  # noqa: F401  (django-auditlog registration)
        from .panels import copayment_panel

        if copayment_panel not in RESIDENT_PANELS:
            RESIDENT_PANELS.append(copayment_panel)
        _register_notice_hook()


def _register_notice_hook() -> None:
    """Tell notices how to print the co-payment class, when the notices app offers the hook."""
    try:
        from notices import hooks  # type: ignore[attr-defined]
    except ImportError:
        return
    lookup = getattr(hooks, "COPAYMENT_CLASS_LOOKUP", None)
    from .selectors import copayment_class_for_notice

    if isinstance(lookup, list):
        if copayment_class_for_notice not in lookup:
            lookup.append(copayment_class_for_notice)
    elif isinstance(lookup, dict):
        lookup["billing"] = copayment_class_for_notice
    elif hasattr(hooks, "COPAYMENT_CLASS_LOOKUP"):
        hooks.COPAYMENT_CLASS_LOOKUP = copayment_class_for_notice
