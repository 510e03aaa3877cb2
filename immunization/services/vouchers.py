"""Issuing, re-issuing and replacing vouchers (接種券).

Bulk issuing is set-based and idempotent: a notices batch names itself with `batch_ref`, and the unique
constraint (batch_ref, resident, dose_code) makes a re-run (after a killed worker, or a second click)
issue nothing twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.origin import Origin

from ..models import Voucher
from ..vouchers import voucher_number_make


class VoucherItem(NamedTuple):
    resident_id: int
    dose_code: str
    copayment_class: str | None = None


def _serials(n: int) -> list[int]:
    if n <= 0:
        return []
    with connection.cursor() as cur:
        cur.execute("SELECT nextval('immunization_voucher_serial') FROM generate_series(1, %s)", [n])
        return [row[0] for row in cur.fetchall()]


def _next_number() -> str:
    return voucher_number_make(_serials(1)[0])


def voucher_issue(
    *,
    resident: Any,
    dose_code: str,
    issued_on: datetime.date,
    batch_ref: str,
    copayment_class: str | None = None,
    actor: Any = None,
    origin: Origin | None = None,
) -> Voucher:
    """Issue one voucher; issuing again for the same batch, resident and dose returns the first one.

    Issuing is batch work (notice runs, the demo city): `actor` and `origin` may be absent."""
    with transaction.atomic():
        existing = Voucher.objects.filter(batch_ref=batch_ref, resident=resident, dose_code=dose_code).first()
        if existing is not None:
            return existing
        return Voucher.objects.create(
            number=_next_number(),
            resident=resident,
            dose_code=dose_code,
            issued_on=issued_on,
            batch_ref=batch_ref,
            copayment_class=copayment_class,
            created_by=actor,
        )


def voucher_issue_bulk(
    *,
    items: Iterable[VoucherItem | tuple[int, str] | tuple[int, str, str | None]],
    issued_on: datetime.date,
    batch_ref: str,
    actor: Any = None,
    origin: Origin | None = None,
) -> int:
    """Issue vouchers for many (resident_id, dose_code[, copayment_class]) at once; returns how many were new.

    COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING: a chunk redone after a crash
    issues only what is missing. Serials used by rows that already existed are simply skipped (gaps are fine).
    """
    rows = [VoucherItem(*item) for item in items]
    if not rows:
        return 0
    serials = _serials(len(rows))
    now = timezone.now()
    actor_id = getattr(actor, "pk", None)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS _voucher_in (number varchar(10), resident_id bigint,"
            " dose_code varchar(30), copayment_class varchar(20)) ON COMMIT DELETE ROWS"
        )
        cur.execute("TRUNCATE _voucher_in")
        with cur.copy("COPY _voucher_in (number, resident_id, dose_code, copayment_class) FROM STDIN") as copy:
            for serial, row in zip(serials, rows, strict=True):
                copy.write_row((voucher_number_make(serial), row.resident_id, row.dose_code, row.copayment_class))
        cur.execute(
            """
            INSERT INTO immunization_voucher
                (number, resident_id, dose_code, issued_on, status, copayment_class, batch_ref,
                 void_reason, created_by_id, created_at)
            SELECT DISTINCT ON (resident_id, dose_code)
                number, resident_id, dose_code, %s, 'issued', copayment_class, %s, '', %s, %s
            FROM _voucher_in
            ORDER BY resident_id, dose_code, number
            ON CONFLICT (batch_ref, resident_id, dose_code) DO NOTHING
            """,
            [issued_on, batch_ref, actor_id, now],
        )
        created = cur.rowcount
        cur.execute("TRUNCATE _voucher_in")
    return created


def _void(voucher: Voucher, *, reason: str, on: datetime.date) -> None:
    voucher.status = Voucher.Status.VOIDED
    voucher.voided_on = on
    voucher.void_reason = reason[:200]
    voucher.save(update_fields=["status", "voided_on", "void_reason"])


def _locked_issued(voucher: Voucher) -> Voucher:
    current = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if current.status == Voucher.Status.VOIDED:
        raise ValidationError("この接種券は既に無効です。再発行された接種券を確認してください。")
    if current.status == Voucher.Status.USED:
        raise ValidationError("この接種券は使用済みのため、再発行できません。")
    return current


def voucher_reissue(*, voucher: Voucher, reason: str, actor: Any, origin: Origin) -> Voucher:
    """Lost or damaged voucher (紛失・破損による再発行): void it and issue the same content under a new number."""
    return voucher_replace(voucher=voucher, reason=reason, actor=actor, origin=origin)


def voucher_replace(
    *,
    voucher: Voucher,
    reason: str,
    actor: Any,
    origin: Origin,
    dose_code: str | None = None,
    copayment_class: str | None = "__keep__",
    issued_on: datetime.date | None = None,
) -> Voucher:
    """Void a voucher and issue its successor, changing the dose or the co-payment class if given.

    The new voucher links back (`replaces`); a returned old voucher is then reconciled as 'voided'.
    """
    if not (reason or "").strip():
        raise ValidationError("再発行の理由を入力してください。")
    with transaction.atomic():
        old = _locked_issued(voucher)
        today = timezone.localdate()
        _void(old, reason=reason, on=today)
        return Voucher.objects.create(
            number=_next_number(),
            resident_id=old.resident_id,
            dose_code=dose_code or old.dose_code,
            issued_on=issued_on or today,
            batch_ref=f"reissue:{old.number}",
            copayment_class=old.copayment_class if copayment_class == "__keep__" else copayment_class,
            replaces=old,
            created_by=actor,
        )


def voucher_void(*, voucher: Voucher, reason: str, actor: Any, origin: Origin) -> Voucher:
    """Void a voucher without issuing a successor."""
    if not (reason or "").strip():
        raise ValidationError("無効にする理由を入力してください。")
    with transaction.atomic():
        old = _locked_issued(voucher)
        _void(old, reason=reason, on=timezone.localdate())
        return old
