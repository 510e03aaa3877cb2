from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = "住民"

    def ready(self) -> None:
        from . import auditing  # noqa: F401  (django-auditlog registration)
