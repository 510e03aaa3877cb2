"""Reads shared by the billing screens, other apps' hooks and reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from residents.models import Resident

from .models import Consent, CopaymentDecision, DecisionRun, FeeSchedule
from .vaccines import VACCINE_CHOICES, fiscal_year_of, vaccine_of_dose


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


def copayment_classes_for_notice(resident_ids: list[int], code: str, on: datetime.date) -> dict[int, str]:
    """The notices hook (notices.hooks.COPAYMENT_CLASS_LOOKUP): one query for a whole chunk of targets.

    `code` is a vaccine or dose code (hz_rzv and hz_live share the "hz" decision). Residents without a
    decision are left out, so their vouchers print 要確認 until the decision exists.
    """
    from django.db import connection

    group = vaccine_of_dose(code) or ("hz" if code.startswith("hz_") else None)
    if group is None or not resident_ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            """SELECT DISTINCT ON (resident_id) resident_id, exempt FROM billing_copaymentdecision
               WHERE resident_id = ANY(%s) AND vaccine = %s AND fiscal_year = %s
                 AND effective_from <= %s AND (effective_to IS NULL OR effective_to >= %s)
               ORDER BY resident_id, decided_at DESC, id DESC""",
            [list(resident_ids), group, fiscal_year_of(on), on, on],
        )
        return {rid: "免除" if exempt else "自己負担あり" for rid, exempt in cur.fetchall()}


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())
