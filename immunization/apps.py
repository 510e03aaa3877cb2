from django.apps import AppConfig


class ImmunizationConfig(AppConfig):
    name = "immunization"
    verbose_name = "予防接種"

    def ready(self) -> None:
        from . import auditing  # noqa: F401  (django-auditlog registration)
