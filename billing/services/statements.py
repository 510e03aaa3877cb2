"""What a month's claims produce: the finance system's CSV and each clinic's payment statement (支払明細書).

Both are exports of approved figures and are themselves recorded in the audit trail (export / print).
"""

from __future__ import annotations

import csv
import datetime
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Staff
from audit.models import Event
from audit.services import access_record
from core.legal_age import fiscal_year as fy_of
from core.origin import Origin
from immunization import doses

from .. import purposes, selectors
from ..models import Claim, ClaimException
from .claims import month_label

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


def finance_csv(*, year: int, month: int, actor: Staff, origin: Origin) -> bytes:
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
        origin=origin,
        purpose=purposes.CLAIMS,
        detail={"finance_csv": ym, "claims": len(claims), "due_total": sum(c.due_total for c in claims)},
    )
    # names are in JIS X 0208 in practice; a character CP932 lacks is replaced, never a crash
    return buf.getvalue().encode("cp932", errors="replace")


def claim_statement_pdf(*, claim: Claim, actor: Staff, origin: Origin) -> bytes:
    """支払明細書 for one institution and month (WeasyPrint, IPAex Gothic)."""
    # WeasyPrint is slow to import (Pango, fonts): only a process that prints pays for it
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    rows = selectors.claim_statement_rows(claim)
    for r in rows:
        r["label"] = doses.label(r["dose_code"])
    held = selectors.claim_held_rows(claim)
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
        origin=origin,
        purpose=purposes.CLAIMS,
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
