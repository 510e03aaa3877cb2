"""財務会計システム向け支払データ: the scheduled payments due by a date, written as a CP932 CSV for the
finance system (docs/formats/relief_payments_csv.md), stored with their SHA-256 and marked exported;
downloads are audited and checked against the checksum."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import jaconv
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from audit.models import Event
from audit.services import access_record, access_record_bulk
from core.origin import Origin

from ..models import Payment, PaymentExport
from ._shared import PURPOSE, STORAGE, read_stored, removing_on_failure, subject_of

EXPORT_PERM = "relief.export_payments"
CSV_HEADER = [
    "出力番号",
    "支払番号",
    "受付番号",
    "給付種別コード",
    "給付種別",
    "年度",
    "支払予定日",
    "支払金額",
    "金融機関コード",
    "金融機関名",
    "支店コード",
    "支店名",
    "預金種目",
    "口座番号",
    "口座名義カナ",
    "受取人氏名",
    "対象期間自",
    "対象期間至",
]


def _require_export(actor: Any) -> None:
    if not actor.has_perm(EXPORT_PERM):
        raise PermissionDenied("支払データを出力する権限がありません。")


def payments_export(*, actor: Any, origin: Origin, due_until: datetime.date) -> PaymentExport | None:
    """Write the scheduled payments due by `due_until` as a CP932 CSV for the finance system and mark them
    exported. None when nothing is due."""
    _require_export(actor)
    return removing_on_failure(_payments_export, actor=actor, origin=origin, due_until=due_until)


def _csv_row(batch_no: str, p: Payment) -> list[Any]:
    c, a = p.claim, p.claim.account
    return [
        batch_no,
        f"{c.claim_no}-{p.seq:03d}",
        c.claim_no,
        c.benefit,
        c.get_benefit_display(),
        p.fiscal_year,
        p.due_on.strftime("%Y%m%d"),
        p.amount,
        a.bank_code,
        a.bank_name,
        a.branch_code,
        a.branch_name,
        a.account_type,
        a.account_no,
        jaconv.z2h(a.holder_kana, kana=True),
        c.claimant_name,
        p.period_from.strftime("%Y%m%d") if p.period_from else "",
        p.period_to.strftime("%Y%m%d") if p.period_to else "",
    ]


def _payments_export(
    *, actor: Any, origin: Origin, due_until: datetime.date, written: list[str]
) -> PaymentExport | None:
    with transaction.atomic(durable=True):
        payments = list(
            Payment.objects.select_for_update(of=("self",))
            .select_related("claim__resident", "claim__account")
            .filter(status=Payment.Status.SCHEDULED, due_on__lte=due_until, claim__account__isnull=False)
            .order_by("due_on", "claim__claim_no", "seq")
        )
        if not payments:
            return None
        batch_no = timezone.localtime().strftime("RF%Y%m%d%H%M%S")
        n = PaymentExport.objects.filter(batch_no__startswith=batch_no).count()
        batch_no = f"{batch_no}{n:02d}"
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(CSV_HEADER)
        w.writerows(_csv_row(batch_no, p) for p in payments)
        data = buf.getvalue().encode("cp932", errors="replace")
        stored = STORAGE.write(STORAGE.new_name("exports", ".csv"), data)
        written.append(stored.path)
        export = PaymentExport.objects.create(
            batch_no=batch_no,
            due_until=due_until,
            rows=len(payments),
            total=sum(p.amount for p in payments),
            storage_path=stored.path,
            sha256=stored.sha256,
            created_by=actor,
        )
        Payment.objects.filter(pk__in=[p.pk for p in payments]).update(
            status=Payment.Status.EXPORTED, export_batch=batch_no
        )
        access_record(
            event=Event.EXPORT,
            actor=actor,
            origin=origin,
            purpose=PURPOSE,
            detail={"batch_no": batch_no, "rows": len(payments), "sha256": stored.sha256},
        )
        access_record_bulk(
            event=Event.EXPORT,
            actor=actor,
            origin=origin,
            purpose=PURPOSE,
            detail={"batch_no": batch_no},
            subjects=[subject_of(c) for c in {p.claim_id: p.claim for p in payments}.values()],
        )
    return export


def export_open(*, actor: Any, origin: Origin, export: PaymentExport) -> bytes:
    """The stored CSV, checked against its SHA-256 (a tampered file raises ChecksumMismatch)."""
    _require_export(actor)
    data = read_stored(export.storage_path, export.sha256, actor=actor, origin=origin, what="export_open")
    access_record(
        event=Event.EXPORT,
        actor=actor,
        origin=origin,
        purpose=PURPOSE,
        detail={"batch_no": export.batch_no, "download": True},
    )
    return data
