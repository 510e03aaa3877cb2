"""Monthly clinic claims (請求) and payments (支払), set-based.

A month's claims are built from returned-voucher records (source "voucher") of the month, plus verified
records of earlier months (up to a year back) that no claim has paid yet. Each record becomes a line;
a line with an exception is shown but held back (保留): unverified, not eligible, duplicate, no fee
schedule for the date, or a co-payment that does not match the decision in force on the vaccination day.

Amounts: per line, due = 委託料 − 自己負担額 (the clinic keeps what it collected); a claim's totals are the
sums of its billable lines, and the database checks that due_total = fee_total − copayment_total.
Draft claims are rebuilt on each run; approved claims are frozen; a paid month cannot be rebuilt and a
paid claim cannot change (triggers in migration 0002).

Cross-app reads, allowed and on purpose: the builder reads immunization's records
(immunization_vaccinationrecord) and the register (residents_resident) in set-based SQL, one statement for
a month of every clinic. It writes only billing's tables; 支払日 on the paid records is set through
immunization.services.records_mark_paid. The statement PDF and the finance file are in statements.py.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Staff
from audit.models import Event
from audit.services import access_record
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from core.wareki import era_of
from immunization import doses
from immunization.services import records_mark_paid

from .. import purposes
from ..models import Claim
from ..vaccines import dose_groups

CATCH_UP_DAYS = 366


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def month_label(year: int, month: int) -> str:
    """2026, 11 -> 令和8年11月分 (a claim's month as the statement names it)."""
    era, y = era_of(datetime.date(year, month, 1))
    return f"{era}{'元' if y == 1 else y}年{month}月分"


def _validate_month(year: int, month: int) -> None:
    if not (1 <= month <= 12 and 2019 <= year <= 2100):
        raise ValidationError({"month": ["請求年月が正しくありません。"]})
    if datetime.date(year, month, 1) > timezone.localdate():
        raise ValidationError({"month": ["まだ来ていない月の請求は作成できません。"]})


def _refuse(*, actor: Staff, origin: Origin, action: str, exc: ValidationError, **detail: Any) -> None:
    record_refusal(
        actor=actor,
        action=action,
        outcome=Outcome.INVALID,
        origin=origin,
        purpose=purposes.CLAIMS,
        errors=exc,
        **detail,
    )


def claims_prepare(*, year: int, month: int, actor: Staff, origin: Origin) -> dict[str, int]:
    """Build (or rebuild) the month's draft claims for every institution. Approved claims stay as they are."""
    try:
        _validate_month(year, month)
        if Claim.objects.filter(year=year, month=month, status=Claim.Status.PAID).exists():
            raise ValidationError(
                f"{month_label(year, month)}は支払済みの請求があるため、作り直せません。"
                "遅れて届いた記録は翌月分の請求に含まれます。"
            )
    except ValidationError as exc:
        _refuse(actor=actor, origin=origin, action="claims_prepare", exc=exc, year=year, month=month)
        raise
    start, end = month_bounds(year, month)
    groups = list(dose_groups().items())
    p = {
        "y": year,
        "m": month,
        "start": start,
        "end": end,
        "catch_up_from": start - datetime.timedelta(days=CATCH_UP_DAYS),
        "actor": getattr(actor, "pk", None),
        "now": timezone.now(),
        "yearly": sorted(doses.yearly_codes()),  # one dose per fiscal year
        "dose_codes": [g[0] for g in groups],
        "vaccines": [g[1] for g in groups],
    }
    with transaction.atomic(durable=True), connection.cursor() as cur:
        cur.execute(
            """DELETE FROM billing_claimline l USING billing_claim c
               WHERE l.claim_id = c.id AND c.year = %(y)s AND c.month = %(m)s AND c.status = 'draft'""",
            p,
        )
        cur.execute("DELETE FROM billing_claim WHERE year = %(y)s AND month = %(m)s AND status = 'draft'", p)
        cur.execute("DROP TABLE IF EXISTS billing_t_cand")
        cur.execute(
            """CREATE TEMP TABLE billing_t_cand ON COMMIT DROP AS
            SELECT v.id AS record_id, v.resident_id, v.dose_code, v.vaccinated_on, v.institution_id, v.status,
                   v.copayment_amount, v.copayment_class, v.date_unknown, v.problems
            FROM immunization_vaccinationrecord v
            WHERE v.source = 'voucher' AND v.institution_id IS NOT NULL
              AND v.status IN ('pending', 'verified')
              AND v.dose_code IN (SELECT DISTINCT dose_code FROM billing_feeschedule)
              AND (v.vaccinated_on BETWEEN %(start)s AND %(end)s
                   OR (v.status = 'verified' AND v.vaccinated_on >= %(catch_up_from)s AND v.vaccinated_on < %(start)s))
              AND NOT EXISTS (SELECT 1 FROM billing_claimline l WHERE l.record_id = v.id AND l.exception = '')
              -- clinics whose claim for the month is already approved keep it (one hashed list, not a probe per row)
              AND v.institution_id NOT IN (SELECT c.institution_id FROM billing_claim c
                                           WHERE c.year = %(y)s AND c.month = %(m)s)""",
            p,
        )
        cur.execute("ANALYZE billing_t_cand")  # real row counts, so the planner joins the register by hash
        cur.execute(
            """INSERT INTO billing_claim (institution_id, year, month, status, line_count, exception_count,
                   fee_total, copayment_total, due_total, prepared_by_id, prepared_at)
               SELECT DISTINCT institution_id, %(y)s, %(m)s, 'draft', 0, 0, 0, 0, 0, %(actor)s, %(now)s
               FROM billing_t_cand""",
            p,
        )
        cur.execute("ANALYZE billing_claim")  # the month's new rows counted before the lines are joined to them
        cur.execute(
            """
            WITH g(dose_code, vaccine) AS (SELECT * FROM unnest(%(dose_codes)s::text[], %(vaccines)s::text[])),
            x AS (
              SELECT k.*, g.vaccine, r.birth_date, r.became_resident_on, r.ceased_on, r.status AS resident_status,
                     f.id AS fee_id, f.clinic_fee, f.copayment AS fee_copayment,
                     (CASE WHEN extract(month FROM k.vaccinated_on) >= 4 THEN extract(year FROM k.vaccinated_on)
                           ELSE extract(year FROM k.vaccinated_on) - 1 END)::int AS fy
              FROM billing_t_cand k
              JOIN residents_resident r ON r.id = k.resident_id
              LEFT JOIN g ON g.dose_code = k.dose_code
              LEFT JOIN billing_feeschedule f
                ON f.dose_code = k.dose_code AND k.vaccinated_on BETWEEN f.valid_from AND f.valid_to
            ),
            y AS (
              SELECT x.*,
                CASE WHEN x.vaccine IS NULL THEN ''
                     WHEN d.exempt THEN 'exempt' ELSE 'charged' END AS dclass
              FROM x
              LEFT JOIN LATERAL (
                SELECT d.exempt FROM billing_copaymentdecision d
                WHERE d.resident_id = x.resident_id AND d.vaccine = x.vaccine AND d.fiscal_year = x.fy
                  AND d.effective_from <= x.vaccinated_on
                  AND (d.effective_to IS NULL OR d.effective_to >= x.vaccinated_on)
                ORDER BY d.decided_at DESC, d.id DESC LIMIT 1
              ) d ON x.vaccine IS NOT NULL
            ),
            z AS (
              SELECT y.*,
                CASE WHEN y.dclass = 'charged' THEN coalesce(y.fee_copayment, 0) ELSE 0 END AS expected,
                CASE
                  WHEN y.status <> 'verified' THEN 'unverified'
                  WHEN y.date_unknown
                    OR (y.became_resident_on IS NOT NULL AND y.became_resident_on > y.vaccinated_on)
                    OR (y.ceased_on IS NOT NULL AND y.ceased_on <= y.vaccinated_on)
                    OR jsonb_array_length(coalesce(y.problems, '[]'::jsonb)) > 0
                    OR (y.vaccine IS NOT NULL
                        AND y.vaccinated_on < (y.birth_date + interval '60 years')::date - 1) THEN 'not_eligible'
                  WHEN EXISTS (
                    SELECT 1 FROM immunization_vaccinationrecord o
                    WHERE o.resident_id = y.resident_id AND o.dose_code = y.dose_code AND o.status = 'verified'
                      AND o.id <> y.record_id
                      AND (o.vaccinated_on < y.vaccinated_on
                           OR (o.vaccinated_on = y.vaccinated_on AND o.id < y.record_id))
                      AND (NOT (y.dose_code = ANY(%(yearly)s::text[]))
                           OR o.vaccinated_on >= make_date(y.fy, 4, 1))) THEN 'duplicate'
                  WHEN y.fee_id IS NULL THEN 'no_fee'
                  WHEN (y.dclass = 'exempt' AND coalesce(y.copayment_amount, 0) <> 0)
                    OR (y.dclass = 'charged' AND coalesce(y.copayment_amount, -1) <> y.fee_copayment)
                    OR (y.dclass = '' AND coalesce(y.copayment_amount, 0) <> 0)
                    OR (y.copayment_class LIKE '免除%%' AND y.dclass = 'charged')
                    OR (y.copayment_class = '自己負担あり' AND y.dclass = 'exempt') THEN 'copayment_mismatch'
                  ELSE '' END AS exc
              FROM y
            )
            INSERT INTO billing_claimline (claim_id, record_id, resident_id, dose_code, vaccinated_on, fee_id,
                clinic_fee, copayment_expected, copayment_collected, decision_class, amount_due, exception)
            SELECT c.id, z.record_id, z.resident_id, z.dose_code, z.vaccinated_on, z.fee_id,
                   coalesce(z.clinic_fee, 0), z.expected, z.copayment_amount, z.dclass,
                   CASE WHEN z.exc = '' THEN z.clinic_fee - z.expected ELSE 0 END, z.exc
            FROM z JOIN billing_claim c
              ON c.institution_id = z.institution_id AND c.year = %(y)s AND c.month = %(m)s AND c.status = 'draft'
            """,
            p,
        )
        lines = cur.rowcount
        cur.execute(
            """UPDATE billing_claim c SET line_count = s.n, exception_count = s.e, fee_total = s.fee,
                      copayment_total = s.cp, due_total = s.due
               FROM (SELECT l.claim_id,
                       count(*) FILTER (WHERE l.exception = '') AS n,
                       count(*) FILTER (WHERE l.exception <> '') AS e,
                       coalesce(sum(l.clinic_fee) FILTER (WHERE l.exception = ''), 0) AS fee,
                       coalesce(sum(l.copayment_expected) FILTER (WHERE l.exception = ''), 0) AS cp,
                       coalesce(sum(l.amount_due) FILTER (WHERE l.exception = ''), 0) AS due
                     FROM billing_claimline l JOIN billing_claim c2 ON c2.id = l.claim_id
                     WHERE c2.year = %(y)s AND c2.month = %(m)s AND c2.status = 'draft'
                     GROUP BY l.claim_id) s
               WHERE c.id = s.claim_id""",
            p,
        )
        claims = cur.rowcount
        cur.execute(
            "SELECT count(*) FILTER (WHERE exception <> '') FROM billing_claimline l JOIN billing_claim c "
            "ON c.id = l.claim_id WHERE c.year = %(y)s AND c.month = %(m)s AND c.status = 'draft'",
            p,
        )
        (held,) = cur.fetchone()
        summary = {"claims": claims, "lines": lines, "held": held}
        access_record(
            event=Event.BATCH,
            actor=actor,
            origin=origin,
            purpose=purposes.CLAIMS,
            detail={"claims_prepare": f"{year}-{month:02d}", **summary},
        )
    return summary


def claim_approve(*, claim: Claim, actor: Staff, origin: Origin) -> Claim:
    """承認: the draft is frozen as it stands; the next run of the month leaves it alone."""
    with transaction.atomic(durable=True):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status == Claim.Status.DRAFT:
            locked.status = Claim.Status.APPROVED
            locked.approved_by = actor
            locked.approved_at = timezone.now()
            locked.save(update_fields=["status", "approved_by", "approved_at"])
            access_record(
                event=Event.UPDATE,
                actor=actor,
                origin=origin,
                purpose=purposes.CLAIMS,
                detail={"claim_approve": locked.pk, "due_total": locked.due_total},
            )
            return locked
    # refused after the transaction, so that rolling it back does not take the refusal's record with it
    exc = ValidationError(f"この請求は{locked.get_status_display()}のため承認できません。")
    _refuse(actor=actor, origin=origin, action="claim_approve", exc=exc, claim=claim.pk)
    raise exc


def claim_unapprove(*, claim: Claim, actor: Staff, origin: Origin) -> Claim:
    """承認取消 (before payment only): the claim goes back to draft and can be rebuilt."""
    with transaction.atomic(durable=True):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status == Claim.Status.APPROVED:
            locked.status = Claim.Status.DRAFT
            locked.approved_by = None
            locked.approved_at = None
            locked.save(update_fields=["status", "approved_by", "approved_at"])
            access_record(
                event=Event.UPDATE,
                actor=actor,
                origin=origin,
                purpose=purposes.CLAIMS,
                detail={"claim_unapprove": locked.pk},
            )
            return locked
    exc = ValidationError("承認済(未払い)の請求だけ承認を取り消せます。")
    _refuse(actor=actor, origin=origin, action="claim_unapprove", exc=exc, claim=claim.pk)
    raise exc


def claim_mark_paid(*, claim: Claim, paid_on: datetime.date, actor: Staff, origin: Origin) -> Claim:
    """支払: record the payment date; from then on the claim and its lines never change."""
    current = Claim.objects.get(pk=claim.pk)
    errors = []
    if current.status == Claim.Status.PAID:
        errors.append("この請求は既に支払済みです。支払済みの請求は変更できません。")
    elif current.status != Claim.Status.APPROVED:
        errors.append("承認されていない請求には支払日を登録できません。先に承認してください。")
    if paid_on > timezone.localdate():
        errors.append("支払日に未来の日付は登録できません。")
    if current.approved_at and paid_on < timezone.localtime(current.approved_at).date():
        errors.append("支払日は承認日以降の日付にしてください。")
    if errors:
        exc = ValidationError(errors)
        _refuse(actor=actor, origin=origin, action="claim_mark_paid", exc=exc, claim=claim.pk)
        raise exc
    with transaction.atomic(durable=True):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != Claim.Status.APPROVED:
            raise ValidationError("この請求は他の職員が処理しました。画面を開き直してください。")
        locked.status = Claim.Status.PAID
        locked.paid_on = paid_on
        locked.paid_recorded_by = actor
        locked.save(update_fields=["status", "paid_on", "paid_recorded_by"])
        # 支払日 on each paid record (a data item of the vaccination ledger), through its owner
        records_mark_paid(
            record_ids=list(locked.lines.filter(exception="").values_list("record_id", flat=True)),
            paid_on=paid_on,
            actor=actor,
            origin=origin.for_purpose(purposes.CLAIMS),
            reference=f"請求 #{locked.pk}",
        )
        access_record(
            event=Event.UPDATE,
            actor=actor,
            origin=origin,
            purpose=purposes.CLAIMS,
            detail={"claim_paid": locked.pk, "paid_on": paid_on.isoformat(), "due_total": locked.due_total},
        )
    return locked
