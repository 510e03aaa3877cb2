"""Monthly clinic claims (請求) and payments (支払), set-based.

A month's claims are built from returned-voucher records (source "voucher") of the month, plus verified
records of earlier months (up to a year back) that no claim has paid yet. Each record becomes a line;
a line with an exception is shown but held back (保留): unverified, not eligible, duplicate, no fee
schedule for the date, or a co-payment that does not match the decision in force on the vaccination day.

Amounts: per line, due = 委託料 − 自己負担額 (the clinic keeps what it collected); a claim's totals are the
sums of its billable lines, and the database checks that due_total = fee_total − copayment_total.
Draft claims are rebuilt on each run; approved claims are frozen; a paid month cannot be rebuilt and a
paid claim cannot change (triggers in migration 0002).
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Event
from audit.services import access_record
from core.legal_age import fiscal_year as fy_of
from core.origin import Origin
from immunization.services import records_mark_paid

from .models import Claim
from .vaccines import dose_groups

PURPOSE = "実費の徴収 / 医療機関への委託料の支払"
SEASONAL = ("flu_elderly", "covid_elderly")  # one dose per fiscal year
CATCH_UP_DAYS = 366


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def month_label(year: int, month: int) -> str:
    from core.wareki import era_of

    era, y = era_of(datetime.date(year, month, 1))
    return f"{era}{'元' if y == 1 else y}年{month}月分"


def _validate_month(year: int, month: int) -> None:
    if not (1 <= month <= 12 and 2019 <= year <= 2100):
        raise ValidationError({"month": ["請求年月が正しくありません。"]})
    if datetime.date(year, month, 1) > timezone.localdate():
        raise ValidationError({"month": ["まだ来ていない月の請求は作成できません。"]})


def _refuse(actor: Any, request: HttpRequest | None, what: str, exc: ValidationError, **detail: Any) -> None:
    access_record(
        event=Event.DENIED,
        actor=actor,
        request=request,
        purpose=PURPOSE,
        detail={"refused": what, "errors": exc.messages, **detail},
        outcome="refused",
    )


def claims_prepare(*, year: int, month: int, actor: Any, request: HttpRequest | None = None) -> dict[str, int]:
    """Build (or rebuild) the month's draft claims for every institution. Approved claims stay as they are."""
    try:
        _validate_month(year, month)
        if Claim.objects.filter(year=year, month=month, status=Claim.Status.PAID).exists():
            raise ValidationError(
                f"{month_label(year, month)}は支払済みの請求があるため、作り直せません。"
                "遅れて届いた記録は翌月分の請求に含まれます。"
            )
    except ValidationError as exc:
        _refuse(actor, request, "claims_prepare", exc, year=year, month=month)
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
        "seasonal": list(SEASONAL),
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
                      AND (NOT coalesce(y.vaccine = ANY(%(seasonal)s), false)
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
            request=request,
            purpose=PURPOSE,
            detail={"claims_prepare": f"{year}-{month:02d}", **summary},
        )
    return summary


def claim_approve(*, claim: Claim, actor: Any, request: HttpRequest | None = None) -> Claim:
    with transaction.atomic(durable=True):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != Claim.Status.DRAFT:
            exc = ValidationError(f"この請求は{locked.get_status_display()}のため承認できません。")
            _refuse(actor, request, "claim_approve", exc, claim=claim.pk)
            raise exc
        locked.status = Claim.Status.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        access_record(
            event=Event.UPDATE,
            actor=actor,
            request=request,
            purpose=PURPOSE,
            detail={"claim_approve": locked.pk, "due_total": locked.due_total},
        )
    return locked


def claim_unapprove(*, claim: Claim, actor: Any, request: HttpRequest | None = None) -> Claim:
    """承認取消 (before payment only): the claim goes back to draft and can be rebuilt."""
    with transaction.atomic(durable=True):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != Claim.Status.APPROVED:
            exc = ValidationError("承認済(未払い)の請求だけ承認を取り消せます。")
            _refuse(actor, request, "claim_unapprove", exc, claim=claim.pk)
            raise exc
        locked.status = Claim.Status.DRAFT
        locked.approved_by = None
        locked.approved_at = None
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        access_record(
            event=Event.UPDATE, actor=actor, request=request, purpose=PURPOSE, detail={"claim_unapprove": locked.pk}
        )
    return locked


def claim_mark_paid(*, claim: Claim, paid_on: datetime.date, actor: Any, request: HttpRequest | None = None) -> Claim:
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
        _refuse(actor, request, "claim_mark_paid", exc, claim=claim.pk)
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
            origin=Origin.of(request, purpose=PURPOSE),
            reference=f"請求 #{locked.pk}",
        )
        access_record(
            event=Event.UPDATE,
            actor=actor,
            request=request,
            purpose=PURPOSE,
            detail={"claim_paid": locked.pk, "paid_on": paid_on.isoformat(), "due_total": locked.due_total},
        )
    return locked


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
    with connection.cursor() as cur:
        cur.execute(
            """SELECT exception, count(*) FROM billing_claimline WHERE claim_id = %s AND exception <> ''
               GROUP BY exception ORDER BY exception""",
            [claim.pk],
        )
        return [{"exception": e, "count": n} for e, n in cur.fetchall()]


FINANCE_COLUMNS = [
    "レコード区分",
    "対象年月",
    "医療機関コード",
    "医療機関名",
    "件数",
    "委託料合計",
    "自己負担額合計",
    "支払額",
    "保留件数",
    "承認日",
    "支払日",
    "状態",
]


def finance_csv(*, year: int, month: int, actor: Any, request: HttpRequest | None = None) -> bytes:
    """The finance system's file (docs/formats/billing_finance_csv.md): CP932, CRLF, approved and paid claims."""
    claims = list(
        Claim.objects.filter(year=year, month=month, status__in=[Claim.Status.APPROVED, Claim.Status.PAID])
        .select_related("institution")
        .order_by("institution__code")
    )
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(FINANCE_COLUMNS)
    ym = f"{year:04d}{month:02d}"
    for c in claims:
        w.writerow(
            [
                "D",
                ym,
                c.institution.code,
                c.institution.name,
                c.line_count,
                c.fee_total,
                c.copayment_total,
                c.due_total,
                c.exception_count,
                timezone.localtime(c.approved_at).strftime("%Y%m%d") if c.approved_at else "",
                c.paid_on.strftime("%Y%m%d") if c.paid_on else "",
                c.get_status_display(),
            ]
        )
    w.writerow(
        [
            "T",
            ym,
            "",
            "合計",
            sum(c.line_count for c in claims),
            sum(c.fee_total for c in claims),
            sum(c.copayment_total for c in claims),
            sum(c.due_total for c in claims),
            sum(c.exception_count for c in claims),
            "",
            "",
            f"{len(claims)}機関",
        ]
    )
    access_record(
        event=Event.EXPORT,
        actor=actor,
        request=request,
        purpose=PURPOSE,
        detail={"finance_csv": ym, "claims": len(claims), "due_total": sum(c.due_total for c in claims)},
    )
    # names are in JIS X 0208 in practice; a character CP932 lacks is replaced, never a crash
    return buf.getvalue().encode("cp932", errors="replace")


def claim_statement_pdf(*, claim: Claim, actor: Any, request: HttpRequest | None = None) -> bytes:
    """支払明細書 for one institution and month (WeasyPrint, IPAex Gothic)."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from .vaccines import dose_label

    rows = claim_statement_rows(claim)
    for r in rows:
        r["label"] = dose_label(r["dose_code"])
    held = claim_held_rows(claim)
    from .models import ClaimException

    labels = dict(ClaimException.choices)
    for h in held:
        h["label"] = labels.get(h["exception"], h["exception"])
    html = render_to_string(
        "billing/statement_pdf.html",
        {
            "claim": claim,
            "institution": claim.institution,
            "rows": rows,
            "held": held,
            "month_label": month_label(claim.year, claim.month),
            "issued_on": timezone.localdate(),
            "fiscal_year": fy_of(datetime.date(claim.year, claim.month, 1)),
        },
    )
    fonts = FontConfiguration()
    css = CSS(string=STATEMENT_CSS, font_config=fonts)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css], font_config=fonts)
    access_record(
        event=Event.PRINT,
        actor=actor,
        request=request,
        purpose=PURPOSE,
        detail={
            "statement": claim.pk,
            "institution": claim.institution.code,
            "month": f"{claim.year}-{claim.month:02d}",
        },
    )
    return pdf


IPAEX_GOTHIC = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
STATEMENT_CSS = f"""
@font-face {{ font-family: "IPAexGothic"; src: url("file://{IPAEX_GOTHIC}"); }}
@page {{ size: A4; margin: 18mm 15mm;
  @bottom-center {{ content: "岡崎市 予防接種 支払明細書 " counter(page) "/" counter(pages);
                    font-family: "IPAexGothic"; font-size: 8pt; }} }}
html {{ font-family: "IPAexGothic", sans-serif; font-size: 10pt; }}
h1 {{ font-size: 16pt; text-align: center; margin: 0 0 6mm; }}
table {{ border-collapse: collapse; width: 100%; margin: 3mm 0; }}
th, td {{ border: 0.3mm solid #333; padding: 1.2mm 2mm; }}
td.num {{ text-align: right; }}
.meta td {{ border: none; padding: 0.5mm 2mm; }}
.total td {{ font-weight: bold; }}
"""
