"""Immunization figures: `forecast_p95_ms` (see schedule/bench.py) and
`punch_import_30k_s` — a 30,000-line monthly punch file validated, imported and
reconciled against the seeded register and history (400,000 residents, ~3,000,000 records at full scale).

The file is realistic: mostly new elderly influenza doses on freshly issued vouchers, plus exact
duplicates and conflicts of records held and unknown vouchers. Everything it adds is removed afterwards
(the access records stay: they are append-only), so the benchmark can be repeated on the same database.
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Staff
from core.legal_age import fiscal_year
from core.origin import Origin
from immunization import punch
from immunization.models import PunchImport, Voucher
from immunization.services import VoucherItem, punch_import, voucher_issue_bulk
from immunization.vouchers import voucher_number_make

LINES = 30_000


def run(*, scale: int, stdout: Any) -> dict[str, float]:
    rng = random.Random(11)
    today = timezone.localdate()
    importer = Staff.objects.filter(username="verifier").first() or Staff.objects.first()
    batch_ref = f"bench-{uuid.uuid4().hex[:12]}"
    rows, voucher_batch = _build_rows(rng, today, batch_ref)
    data = punch.render(rows)
    started = time.perf_counter()
    imp = punch_import(data=data, file_name=f"bench_{len(rows)}.csv", actor=importer, origin=Origin.command())
    seconds = time.perf_counter() - started
    if imp.status == PunchImport.Status.REJECTED:
        raise RuntimeError(f"bench file refused: {imp.errors[:5]}")
    stdout.write(f"  punch import: {len(rows):,} lines in {seconds:.2f} s, {imp.counts}\n")
    _clean_up(imp, voucher_batch)
    from ops.bench.schedule import run as forecast_run  # forecast_p95_ms, measured after the import's clean-up

    return {"punch_import_30k_s": round(seconds, 2), **forecast_run(scale=scale, stdout=stdout)}


def _build_rows(rng: random.Random, today: datetime.date, batch_ref: str) -> tuple[list[dict[str, str]], str]:
    fy = fiscal_year(today)
    season_start = datetime.date(fy, 10, 1)
    last_day = min(today, datetime.date(fy + 1, 1, 31))
    if last_day < season_start:  # before this season: use last season's dates
        fy -= 1
        season_start, last_day = datetime.date(fy, 10, 1), datetime.date(fy + 1, 1, 31)
    n_held = LINES // 20  # 5% duplicates and conflicts of records held
    n_unknown = LINES // 100
    n_new = LINES - 2 * n_held - n_unknown
    birth_limit = datetime.date(season_start.year - 66, 1, 1)
    with connection.cursor() as cur:
        cur.execute(
            """SELECT r.id, r.atena_no FROM residents_resident r
               WHERE r.status = 'resident' AND r.birth_date < %s AND r.became_resident_on <= %s
                 AND NOT EXISTS (SELECT 1 FROM immunization_vaccinationrecord v
                                 WHERE v.resident_id = r.id AND v.dose_code = 'flu_elderly'
                                   AND v.vaccinated_on >= %s)
               ORDER BY random() LIMIT %s""",
            [birth_limit, season_start, datetime.date(fy, 4, 1), n_new],
        )
        fresh = cur.fetchall()
        cur.execute(
            """SELECT v.id, v.resident_id, r.atena_no, v.dose_code, v.vaccinated_on, i.code, m.code, v.lot_no,
                      COALESCE(d.code, '')
               FROM immunization_vaccinationrecord v
               JOIN residents_resident r ON r.id = v.resident_id
               JOIN immunization_institution i ON i.id = v.institution_id
               JOIN immunization_manufacturer m ON m.id = v.manufacturer_id
               LEFT JOIN immunization_doctor d ON d.id = v.doctor_id
               WHERE v.status = 'verified' AND v.dose_code NOT IN ('flu_elderly', 'covid_elderly')
                 AND v.vaccinated_on IS NOT NULL
                 AND r.status = 'resident' AND v.voucher_id IS NULL
               ORDER BY random() LIMIT %s""",
            [2 * n_held],
        )
        held = cur.fetchall()
        cur.execute(
            """SELECT i.code, d.code FROM immunization_doctor d
               JOIN immunization_institution i ON i.id = d.institution_id WHERE i.in_city"""
        )
        clinics = cur.fetchall()
        cur.execute(
            """SELECT m.code, l.lot_no FROM immunization_vaccinelot l
               JOIN immunization_manufacturer m ON m.id = l.manufacturer_id WHERE l.vaccine = 'flu'"""
        )
        flu_lots = cur.fetchall()
    items = [VoucherItem(rid, "flu_elderly", "課税") for rid, _a in fresh]
    items += [VoucherItem(h[1], h[3], None) for h in held]
    voucher_issue_bulk(items=items, issued_on=season_start - datetime.timedelta(days=20), batch_ref=batch_ref)
    numbers = {
        (r, c): n
        for r, c, n in Voucher.objects.filter(batch_ref=batch_ref).values_list("resident_id", "dose_code", "number")
    }
    span = (last_day - season_start).days
    rows: list[dict[str, str]] = []
    for rid, atena in fresh:
        inst, doc = rng.choice(clinics)
        maker, lot = rng.choice(flu_lots)
        rows.append(
            {
                "voucher_no": numbers[(rid, "flu_elderly")],
                "atena_no": atena,
                "dose_code": "flu_elderly",
                "vaccinated_on": (season_start + datetime.timedelta(days=rng.randrange(span + 1))).strftime("%Y%m%d"),
                "institution_code": inst,
                "doctor_code": doc,
                "manufacturer_code": maker,
                "lot_no": lot,
                "dose_volume_ml": "0.50",
                "copayment_amount": "1500",
            }
        )
    for k, (_vid, rid, atena, code, on, inst, maker, lot, doc) in enumerate(held):
        if k % 2:  # a conflict: the same dose, a week later
            on = min(on + datetime.timedelta(days=7), today)
        rows.append(
            {
                "voucher_no": numbers[(rid, code)],
                "atena_no": atena,
                "dose_code": code,
                "vaccinated_on": on.strftime("%Y%m%d"),
                "institution_code": inst,
                "doctor_code": doc,
                "manufacturer_code": maker,
                "lot_no": lot,
                "dose_volume_ml": "0.50",
                "copayment_amount": "0",
            }
        )
    template = dict(rows[0]) if rows else {}
    for k in range(n_unknown):
        rows.append(template | {"voucher_no": voucher_number_make(900_000_000 + k)})
    rng.shuffle(rows)
    return rows, batch_ref


def _clean_up(imp: PunchImport, batch_ref: str) -> None:
    """Remove what the run added, in SQL: benchmark rows are not business changes to log one by one."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """DELETE FROM immunization_vaccinationrecord v USING immunization_punchline p
               WHERE v.punch_line_id = p.id AND p.punch_import_id = %s""",
            [imp.pk],
        )
        cur.execute("DELETE FROM immunization_punchline WHERE punch_import_id = %s", [imp.pk])
        cur.execute("DELETE FROM immunization_punchimport WHERE id = %s", [imp.pk])
        cur.execute("DELETE FROM immunization_voucher WHERE batch_ref = %s", [batch_ref])
