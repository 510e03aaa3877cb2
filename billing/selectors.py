"""Reads shared by the billing screens, other apps' hooks and reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from core.legal_age import fiscal_year as fy_of
from residents.models import Resident

from .models import Claim, Consent, CopaymentDecision, DecisionRun, FeeSchedule
from .vaccines import VACCINE_CHOICES, vaccine_of_dose


def consents_of(resident: Resident) -> QuerySet[Consent]:
    qs = Consent.objects.filter(resident=resident).select_related("keyed_by", "verified_by")
    return qs.order_by("-filed_on", "-id")


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


def fee_for(*, dose_code: str, on: datetime.date) -> FeeSchedule | None:
    """The fee period in force for a dose on a day (periods of one dose never overlap)."""
    return FeeSchedule.objects.filter(dose_code=dose_code, valid_from__lte=on, valid_to__gte=on).first()


def current_fiscal_year() -> int:
    return fy_of(timezone.localdate())


def _decisions_in_force(resident_ids: list[int], vaccine: str, on: datetime.date) -> list[tuple[int, bool, str]]:
    """(resident_id, exempt, reason) of the decision in force on `on`, for the people who have one."""
    with connection.cursor() as cur:
        cur.execute(
            """SELECT DISTINCT ON (resident_id) resident_id, exempt, reason FROM billing_copaymentdecision
               WHERE resident_id = ANY(%s::bigint[]) AND vaccine = %s AND fiscal_year = %s
                 AND effective_from <= %s AND (effective_to IS NULL OR effective_to >= %s)
               ORDER BY resident_id, decided_at DESC, id DESC""",
            ["{" + ",".join(str(int(i)) for i in resident_ids) + "}", vaccine, fy_of(on), on, on],
        )
        return [(rid, exempt, reason) for rid, exempt, reason in cur.fetchall()]


def copayment_class_on(*, resident_id: int, dose_code: str, on: datetime.date) -> str | None:
    """The co-payment class in force for a dose given (or to be given) on a day: "exempt" or "charged";
    None for doses without a co-payment (A-class). No decision means the co-payment applies."""
    vaccine = vaccine_of_dose(dose_code)
    if vaccine is None:
        return None
    found = _decisions_in_force([resident_id], vaccine, on)
    return "exempt" if found and found[0][1] else "charged"


NOTICE_CLASS_LABELS = {
    "welfare": "免除(生活保護)",
    "china_support": "免除(中国残留邦人等支援給付)",
    "tax_exempt_household": "免除(非課税世帯)",
    "counter_exempt": "免除(窓口判定)",
}


def copayment_classes_for_notice(resident_ids: list[int], vaccine_code: str, on: datetime.date) -> dict[int, str]:
    """core.adapters.CopaymentClassLookup: the class printed on vouchers, for a whole chunk in one query.

    `vaccine_code` is a decision group ("hz") or a dose code (hz_rzv_1 and hz_live share "hz"). Only people
    with a decision in force on `on` are returned, so notices prints 要確認 for the others; doses without a
    co-payment return nothing. The label names the exemption (免除(生活保護) …) as the voucher shows it.
    """
    vaccine = vaccine_code if vaccine_code in dict(VACCINE_CHOICES) else vaccine_of_dose(vaccine_code)
    if vaccine is None or not resident_ids:
        return {}
    return {
        rid: NOTICE_CLASS_LABELS.get(reason, "免除") if exempt else "自己負担あり"
        for rid, exempt, reason in _decisions_in_force(resident_ids, vaccine, on)
    }


def claim_statement_rows(claim: Claim) -> list[dict[str, Any]]:
    """The statement's body: billable lines grouped by dose, unit fee and co-payment class."""
    with connection.cursor() as cur:
        cur.execute(
            """SELECT dose_code, decision_class, clinic_fee, copayment_expected, count(*),
                      sum(clinic_fee), sum(copayment_expected), sum(amount_due)
               FROM billing_claimline WHERE claim_id = %s AND exception = ''
               GROUP BY dose_code, decision_class, clinic_fee, copayment_expected
               ORDER BY dose_code, decision_class, clinic_fee""",
            [claim.pk],
        )
        keys = ("dose_code", "decision_class", "unit_fee", "unit_copayment", "count", "fee", "copayment", "due")
        return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def claim_held_rows(claim: Claim) -> list[dict[str, Any]]:
    """Held-back lines counted by exception (保留の理由)."""
    with connection.cursor() as cur:
        cur.execute(
            """SELECT exception, count(*) FROM billing_claimline WHERE claim_id = %s AND exception <> ''
               GROUP BY exception ORDER BY exception""",
            [claim.pk],
        )
        return [{"exception": e, "count": n} for e, n in cur.fetchall()]
