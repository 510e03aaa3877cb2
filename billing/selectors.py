"""Reads shared by the billing screens, other apps' hooks and reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from residents.models import Resident

from .models import Consent, CopaymentDecision, DecisionRun, FeeSchedule
from .vaccines import VACCINE_CHOICES, fiscal_year_of


def consents_of(resident: Resident) -> QuerySet[Consent]:
    qs = Consent.objects.filter(resident=resident).select_related("keyed_by", "verified_by")
    return qs.order_by("-filed_on", "-id")


def valid_consent(resident: Resident, on: datetime.date, vaccine: str | None = None) -> Consent | None:
    for c in consents_of(resident):
        if c.is_valid_on(on, vaccine):
            return c
    return None


def consents_to_verify(user: Any) -> QuerySet[Consent]:
    """The verification queue: pending forms keyed by someone else (a keyer never sees their own)."""
    return (
        Consent.objects.filter(state=Consent.State.PENDING)
        .exclude(keyed_by=user)
        .select_related("resident", "keyed_by")
        .order_by("keyed_at")
    )


def current_decisions(resident: Resident, fiscal_year: int) -> dict[str, CopaymentDecision | None]:
    found = {
        d.vaccine: d
        for d in CopaymentDecision.objects.filter(
            resident=resident, fiscal_year=fiscal_year, superseded_at__isnull=True
        ).select_related("decided_by")
    }
    return {code: found.get(code) for code, _label in VACCINE_CHOICES}


def decision_history(resident: Resident) -> QuerySet[CopaymentDecision]:
    return (
        CopaymentDecision.objects.filter(resident=resident)
        .select_related("decided_by")
        .order_by("-fiscal_year", "vaccine", "-decided_at", "-id")
    )


def recent_runs(limit: int = 20) -> QuerySet[DecisionRun]:
    return DecisionRun.objects.select_related("requested_by").order_by("-requested_at")[:limit]


def fee_schedules(fiscal_year: int | None = None) -> QuerySet[FeeSchedule]:
    qs = FeeSchedule.objects.all()
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    return qs.order_by("dose_code", "valid_from")


def copayment_class_for_notice(resident: Any, dose_code: str, on: datetime.date | None = None) -> str:
    """For notices and vouchers: "免除" or "自己負担あり" ("" for doses without a co-payment)."""
    from .services import copayment_class_on

    on = on or timezone.localdate()
    resident_id = getattr(resident, "pk", resident)
    cls = copayment_class_on(resident_id=int(resident_id), dose_code=dose_code, on=on)
    return {"exempt": "免除", "charged": "自己負担あり"}.get(cls or "", "")


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())
