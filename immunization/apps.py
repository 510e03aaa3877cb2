from django.apps import AppConfig


class ImmunizationConfig(AppConfig):
    name = "immunization"
    verbose_name = "予防接種"
