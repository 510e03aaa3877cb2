from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "システム連携"

    def ready(self) -> None:
        from . import auditing  # noqa: F401  (django-auditlog registration)
