"""Wiring done once at start-up: the rule cache is dropped when a schedule row changes, changes to the
schedule tables are audit-logged, the forecast panel joins the resident page, and the rules come back
after a flush."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps as _apps
from django.db.models.signals import post_delete, post_migrate, post_save

from immunization.models import CoursePlan, Dose, EligibilityWindow, GeneralInterval, PlanStep, Vaccine
from residents.panels import RESIDENT_PANELS

from .rules import invalidate

for _model in (Vaccine, Dose, EligibilityWindow, CoursePlan, PlanStep, GeneralInterval):
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"schedule_rules_{_model.__name__}_save")
    post_delete.connect(invalidate, sender=_model, dispatch_uid=f"schedule_rules_{_model.__name__}_delete")
    if not auditlog.contains(_model):
        auditlog.register(_model)


def _panel(request, resident):  # type: ignore[no-untyped-def]
    from immunization.views_schedule import resident_forecast_panel

    return resident_forecast_panel(request, resident)


if _panel not in RESIDENT_PANELS:
    RESIDENT_PANELS.append(_panel)


def restore_after_flush(sender, using: str = "default", apps=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """`manage.py flush` (and every browser or worker test, which flushes on teardown) empties the schedule
    tables that migrations loaded, and migrations do not run again. Without rules nothing can be keyed or
    forecast, so after a flush — the schedule migrations recorded as applied, the tables empty — their data
    is loaded again exactly as the migrations did. A database being migrated is never touched."""
    import importlib

    from django.apps import apps as global_apps
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if "immunization_vaccine" not in connection.introspection.table_names():
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("immunization", "0003_schedule_data") not in applied:
        return
    model_apps = apps or global_apps
    if model_apps.get_model("immunization", "Vaccine").objects.using(using).exists():
        return
    importlib.import_module("immunization.migrations.0003_schedule_data").load(model_apps, None)
    if ("immunization", "0005_schedule_per_pregnancy") in applied:
        importlib.import_module("immunization.migrations.0005_schedule_per_pregnancy").rsv_once_per_pregnancy(
            model_apps, None
        )
    invalidate()


post_migrate.connect(
    restore_after_flush, sender=_apps.get_app_config("immunization"), dispatch_uid="schedule_restore_after_flush"
)
