from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "監査"

    def ready(self) -> None:
        from core import refusals

        from .services import record_refusal

        refusals.install_recorder(record_refusal)
