"""Demo data for co-payments and claims: fee schedules FY2025/FY2026, consent forms for a share of the
over-65s (whole households sign together), a few waiting for verification, the FY2026 influenza season
decision, a few counter decisions, and — when the immunization demo left no B-class voucher records —
a month of returned influenza vouchers so that the claims screen has a month to run.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Staff
from billing import services
from billing.models import Consent, CopaymentDecision, FeeSchedule
from core.origin import Origin

# (dose_code, clinic fee, co-payment) — amounts in the range cities publish (japan-reference §2.3)
FEES = {
    2025: [
        ("flu_elderly", 4950, 1500),
        ("covid_elderly", 15600, 3000),
        ("ppv_elderly", 8800, 2500),
        ("hz_live", 8800, 4000),
        ("hz_rzv_1", 22000, 10000),
        ("hz_rzv_2", 22000, 10000),
    ],
    2026: [
        ("flu_elderly", 5060, 1500),
        ("covid_elderly", 15600, 3000),
        ("ppv_elderly", 11000, 4000),  # PCV20 from April 2026
        ("hz_live", 8800, 4000),
        ("hz_rzv_1", 22000, 10000),
        ("hz_rzv_2", 22000, 10000),
    ],
}
CLINICS = [
    "岡崎内科クリニック",
    "康生町医院",
    "美合こども・内科",
    "矢作中央クリニック",
    "六ツ美診療所",
    "本宿ファミリークリニック",
    "岩津内科",
    "大樹寺前医院",
    "羽根町クリニック",
    "竜美ヶ丘医院",
]


def seed(*, rng: random.Random, residents: int, stdout: Any) -> None:
    today = timezone.localdate()
    entry = Staff.objects.filter(username="entry").first()
    verifier = Staff.objects.filter(username="verifier").first()
    clerk = Staff.objects.filter(username="clerk").first()
    if not (entry and verifier and clerk):
        stdout.write("  billing: デモ用アカウントがないため省略しました。")
        return
    _fees()
    consents = _consents(rng, today, entry, verifier)
    run = services.copayment_decide_season(
        vaccine="flu_elderly",
        fiscal_year=2026,
        reference_date=datetime.date(2026, 10, 1),
        actor=clerk,
        origin=Origin.command(),
    )
    counter = _counter_decisions(rng, clerk)
    records = _voucher_records(rng, today, entry, verifier)
    with connection.cursor() as cur:  # fresh statistics for the planner after bulk loads
        cur.execute(
            "ANALYZE billing_consent; ANALYZE billing_copaymentdecision; ANALYZE immunization_vaccinationrecord"
        )
    stdout.write(
        f"  料金表 {FeeSchedule.objects.count()} 件、同意書 {consents:,} 件、"
        f"インフルエンザ判定 {run.targets:,} 人(免除 {run.exempt:,})、窓口判定 {counter} 件、接種券記録 {records:,} 件"
    )


def _fees() -> None:
    rows = [
        FeeSchedule(
            dose_code=code,
            fiscal_year=fy,
            valid_from=datetime.date(fy, 4, 1),
            valid_to=datetime.date(fy + 1, 3, 31),
            clinic_fee=fee,
            copayment=copay,
            note="デモ",
        )
        for fy, items in FEES.items()
        for code, fee, copay in items
    ]
    FeeSchedule.objects.bulk_create(rows, ignore_conflicts=True)


def _consents(rng: random.Random, today: datetime.date, entry: Staff, verifier: Staff) -> int:
    """About 40% of households with someone 65 or over filed a consent signed by every adult member."""
    salt = rng.randrange(1, 1_000_000)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO billing_consent (resident_id, form_no, filed_on, expires_on, scope, channel, state,
                keyed_by_id, keyed_at, verified_by_id, verified_at, rejected_reason, withdrawn_on, changed_at, note)
            SELECT r.id, 'D' || lpad((r.household_id %% 1000000)::text, 6, '0'),
                   make_date(2026, 4, 1) + ((r.household_id * 7 + %(salt)s) %% 200)::int,
                   make_date(2027, 3, 31), 'all',
                   (ARRAY['counter', 'mail', 'voucher'])[1 + (r.household_id %% 3)],
                   'verified', %(entry)s, %(now)s, %(verifier)s, %(now)s, '', NULL, %(now)s, 'デモ'
            FROM residents_resident r
            WHERE r.status = 'resident' AND r.birth_date <= make_date(2010, 1, 1)
              AND ((r.household_id * 2654435761 + %(salt)s) %% 100) < 40
              AND EXISTS (SELECT 1 FROM residents_resident e
                          WHERE e.household_id = r.household_id AND e.birth_date <= make_date(1962, 4, 1))
            """,
            {"salt": salt, "entry": entry.pk, "verifier": verifier.pk, "now": now},
        )
        made = cur.rowcount
    # a few forms keyed today and waiting for the verifier (the 照合 queue)
    waiting = list(
        Consent.objects.filter(state=Consent.State.VERIFIED).order_by("?").values_list("resident_id", flat=True)[:8]
    )
    Consent.objects.bulk_create(
        [
            Consent(
                resident_id=rid,
                filed_on=today,
                expires_on=datetime.date(2028, 3, 31),
                channel=Consent.Channel.COUNTER,
                keyed_by=entry,
                note="デモ(照合待ち)",
            )
            for rid in waiting
        ]
    )
    return made + len(waiting)


def _counter_decisions(rng: random.Random, clerk: Staff) -> int:
    """Movers-in who showed their former city's 非課税証明書 at the counter."""
    current = list(
        CopaymentDecision.objects.filter(fiscal_year=2026, vaccine="flu_elderly", reason="moved_in").values_list(
            "resident_id", flat=True
        )[:3]
    )
    from residents.models import Resident

    for rid in current:
        services.copayment_decide_at_counter(
            resident=Resident.objects.get(pk=rid),
            vaccine="flu_elderly",
            fiscal_year=2026,
            exempt=True,
            reason="前住所地の令和8年度非課税証明書(世帯全員分)を確認",
            evidence="非課税証明書",
            effective_from=datetime.date(2026, 10, 1),
            actor=clerk,
            origin=Origin.command(),
        )
    return len(current)


def _voucher_records(rng: random.Random, today: datetime.date, entry: Staff, verifier: Staff) -> int:
    """Returned influenza vouchers for October and November 2026 (about a fifth of the over-65s)."""
    from immunization.models import Institution, VaccinationRecord

    if VaccinationRecord.objects.filter(dose_code="flu_elderly", source="voucher").exists():
        return 0
    clinics = list(Institution.objects.filter(active=True, in_city=True)[:10])
    if not clinics:
        Institution.objects.bulk_create(
            [Institution(code=f"23{10100 + i}", name=name, address="愛知県岡崎市") for i, name in enumerate(CLINICS)],
            ignore_conflicts=True,
        )
        clinics = list(Institution.objects.filter(code__startswith="231")[:10])
    decisions = dict(
        CopaymentDecision.objects.filter(
            fiscal_year=2026, vaccine="flu_elderly", superseded_at__isnull=True
        ).values_list("resident_id", "exempt")
    )
    people = list(decisions)
    rng.shuffle(people)
    now = timezone.now()
    rows = []
    for rid in people[: len(people) // 5]:
        exempt = decisions[rid]
        on = datetime.date(2026, 10, 1) + datetime.timedelta(days=rng.randrange(0, 56))
        if on > today:
            continue
        collected = 0 if exempt else 1500
        if rng.random() < 0.01:  # a clinic that collected from an exempt person, or forgot to
            collected = 1500 - collected
        pending = rng.random() < 0.02
        rows.append(
            VaccinationRecord(
                resident_id=rid,
                dose_code="flu_elderly",
                vaccinated_on=on,
                dose_volume_ml=Decimal("0.50"),
                institution=rng.choice(clinics),
                claim_on=on.replace(day=1) + datetime.timedelta(days=40),
                copayment_class="免除" if exempt else "自己負担あり",
                collection_class="徴収" if collected else "",
                copayment_amount=collected,
                source="voucher",
                status="pending" if pending else "verified",
                keyed_by=entry,
                keyed_at=now,
                verified_by=None if pending else verifier,
                verified_at=None if pending else now,
                rules_checked=True,
                remarks="デモ",
            )
        )
    VaccinationRecord.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
