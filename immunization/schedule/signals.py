"""Wiring done once at start-up: the rule cache is dropped when a schedule row changes, changes to the
schedule tables are audit-logged, and the forecast panel joins the resident page."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.db.models.signals import post_delete, post_save

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
