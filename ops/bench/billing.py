"""Billing figures for `manage.py bench --json`.

copayment_decide_110k_s: the set-based decision (targets, welfare/support, consents, households, tax reads
with one access record each, basis, history) for 110,000 people per 400,000 residents — the over-65s of
such a city; the oldest residents of the bench city are taken so the count holds whatever the demo's
age pyramid. A vaccine/year the demo has not decided (COVID-19 FY2026) is used, so every decision is
new; the run is rolled back, leaving the bench database as it was.

claims_month_s: building November 2026's claims for all clinics (exceptions, decisions in force, totals).
The month is topped up to ~25,000 returned influenza vouchers per 400,000 residents (a peak month).
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Staff
from billing import services
from billing.models import DecisionRun
from core.origin import Origin
from residents.models import Resident

DECIDE_PER_400K = 110_000
CLAIMS_PER_400K = 25_000


def run(*, scale: int, stdout: Any) -> dict[str, float]:
    actor = Staff.objects.filter(username="clerk").first()
    figures: dict[str, float] = {}
    figures.update(_decide(scale, actor, stdout))
    figures.update(_claims(scale, actor, stdout))
    return figures


def _decide(scale: int, actor: Any, stdout: Any) -> dict[str, float]:
    n = round(DECIDE_PER_400K * scale / 400_000)
    ids = list(
        Resident.objects.filter(status=Resident.Status.RESIDENT).order_by("birth_date").values_list("id", flat=True)[:n]
    )
    with transaction.atomic():
        run = services.decision_run_create(
            kind=DecisionRun.Kind.SEASON,
            vaccine="covid_elderly",
            fiscal_year=2026,
            reference_date=datetime.date(2026, 10, 1),
            actor=actor,
        )
        t0 = time.perf_counter()
        services.decision_run_execute(run=run, target_ids=ids, actor=actor, origin=Origin.command())
        elapsed = time.perf_counter() - t0
        stdout.write(
            f"  decisions: {run.targets:,} people, {run.created:,} new, {run.exempt:,} exempt, "
            f"{run.tax_reads:,} tax reads logged, {elapsed:.1f} s (rolled back)"
        )
        transaction.set_rollback(True)
    return {"copayment_decide_110k_s": round(elapsed, 2), "copayment_decide_people": len(ids)}


def _claims(scale: int, actor: Any, stdout: Any) -> dict[str, float]:
    added = _top_up_november(round(CLAIMS_PER_400K * scale / 400_000), actor)
    t0 = time.perf_counter()
    summary = services.claims_prepare(year=2026, month=11, actor=actor, origin=Origin.command())
    elapsed = time.perf_counter() - t0
    stdout.write(
        f"  claims 2026-11: {summary['claims']} clinics, {summary['lines']:,} lines ({summary['held']:,} held), "
        f"{elapsed:.1f} s; {added:,} bench records added"
    )
    return {"claims_month_s": round(elapsed, 2), "claims_month_lines": summary["lines"]}


def _top_up_november(wanted: int, actor: Any) -> int:
    from immunization.models import Institution, VaccinationRecord
    from ops.demo.billing import CLINICS

    have = VaccinationRecord.objects.filter(
        source="voucher", vaccinated_on__range=(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    ).count()
    if have >= wanted:
        return 0
    if Institution.objects.count() < 40:
        Institution.objects.bulk_create(
            [Institution(code=f"239{i:04d}", name=f"{CLINICS[i % len(CLINICS)]}{i}") for i in range(60)],
            ignore_conflicts=True,
        )
    clinics = list(Institution.objects.all()[:200])
    verifier = Staff.objects.filter(username="verifier").first()
    keyer = Staff.objects.filter(username="entry").first()
    taken = set(VaccinationRecord.objects.filter(dose_code="flu_elderly").values_list("resident_id", flat=True))
    people = [
        pk
        for pk in Resident.objects.filter(status=Resident.Status.RESIDENT, birth_date__lte=datetime.date(1961, 4, 1))
        .order_by("id")
        .values_list("id", flat=True)
        if pk not in taken
    ]
    rng = random.Random(11)
    rng.shuffle(people)
    now = timezone.now()
    rows = [
        VaccinationRecord(
            resident_id=pk,
            dose_code="flu_elderly",
            vaccinated_on=datetime.date(2026, 11, 1 + rng.randrange(25)),
            dose_volume_ml=Decimal("0.50"),
            institution=rng.choice(clinics),
            copayment_amount=1500 if rng.random() < 0.85 else 0,
            source="voucher",
            status="verified" if rng.random() < 0.98 else "pending",
            keyed_by=keyer,
            keyed_at=now,
            rules_checked=True,
            remarks="bench",
        )
        for pk in people[: wanted - have]
    ]
    for r in rows:
        if r.status == "verified":
            r.verified_by, r.verified_at = verifier, now
    VaccinationRecord.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
