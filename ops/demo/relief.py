"""Demo part of relief: the second relief worker `relief2`, the supervisor `relief_lead`, benefit amounts
for the recent fiscal years, and a few claims in every state of the workflow, assigned to `relief`.

Claims go through the same services as the screens (letters are rendered, steps recorded), so the demo
shows what staff would see. Amounts after FY2023 are the FY2023 A-class amounts carried forward and the
B-class amounts are illustrative: both are marked as demo data in their source column.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts import roles
from accounts.models import Staff
from core.legal_age import fiscal_year
from core.origin import Origin
from relief import services
from relief.models import BenefitRate, Claim, State
from residents.models import Resident

DEMO_ACCOUNTS = [
    ("relief2", "救済 六郎", [roles.RELIEF]),
    ("relief_lead", "救済 統括", [roles.RELIEF_LEAD]),
]
ORIGIN = Origin.command()  # seed_demo: the claims are made through the services, from the command line
DEMO_SOURCE = "デモ用(令和5年度額を仮置き)"
B_DEMO = [  # illustrative, following the PMDA scale's shape (unsourced)
    ("medical_allowance", "入院8日以上・通院3日以上", 37800),
    ("medical_allowance", "入院8日未満・通院3日未満", 35800),
    ("disability_pension", "1級", 2883600),
    ("disability_pension", "2級", 2306400),
    ("bereaved_pension", "", 2522400),
    ("bereaved_lump_sum", "", 7567200),
    ("funeral", "", 215000),
]
ACCOUNT = {
    "bank_code": "0150",
    "bank_name": "岡崎信用金庫",
    "branch_code": "001",
    "branch_name": "本店営業部",
    "account_type": "1",
}

# (vaccine, benefit, relationship, the state to reach, result, grade)
PLAN: list[tuple[str, str, str, str, str, str]] = [
    ("mr_1", "medical_costs", "guardian", State.RECEIVED, "", ""),
    ("covid_elderly", "medical_allowance", "self", State.RECEIVED, "", ""),
    ("dpt_ipv_hib_1i1", "medical_costs", "guardian", State.INVESTIGATING, "", ""),
    ("flu_elderly", "medical_costs", "self", State.INVESTIGATING, "", ""),
    ("hpv9_1", "medical_allowance", "self", State.FORWARDED, "", ""),
    ("covid_elderly", "disability_pension", "self", State.FORWARDED, "", ""),
    ("mr_1", "child_pension", "guardian", State.RESULT_RECEIVED, "certified", "2級"),
    ("hz_rzv_1", "medical_costs", "self", State.RESULT_RECEIVED, "not_certified", ""),
    ("bcg", "medical_costs", "guardian", State.NOTIFIED, "certified", ""),
    ("je_1i1", "medical_costs", "guardian", State.PAYMENT_DECIDED, "certified", ""),
    ("covid_elderly", "funeral", "bereaved", State.PAYMENT_DECIDED, "certified", ""),
    ("dpt_ipv_hib_1i2", "child_pension", "guardian", State.PAID, "certified", "1級"),
    ("flu_elderly", "medical_costs", "self", State.PAID, "certified", ""),
    ("varicella_1", "medical_costs", "guardian", State.NOT_PAID, "not_certified", ""),
    ("hpv9_2", "disability_pension", "self", State.APPEALED, "not_certified", ""),
]


def _accounts(stdout: Any) -> None:
    for username, display, role_names in DEMO_ACCOUNTS:
        staff, _ = Staff.objects.update_or_create(username=username, defaults={"display_name": display})
        staff.set_password(settings.DEMO_PASSWORD)
        staff.save()
        staff.groups.set(Group.objects.filter(name__in=role_names))


# the A-class amounts of April 2023 (as in migration 0002), carried forward to the later demo years
A_2023 = [
    ("medical_allowance", "入院8日以上・通院3日以上", 37800),
    ("medical_allowance", "入院8日未満・通院3日未満", 35800),
    ("child_pension", "1級", 1617600),
    ("child_pension", "2級", 1293600),
    ("disability_pension", "1級", 5175600),
    ("disability_pension", "2級", 4138800),
    ("disability_pension", "3級", 3104400),
    ("death_lump_sum", "", 45300000),
    ("funeral", "", 212000),
]


def _rates(today: datetime.date) -> None:
    for fy in range(2023, fiscal_year(today) + 1):
        for benefit, grade, amount in A_2023:
            BenefitRate.objects.get_or_create(
                benefit=benefit,
                vaccine_class="A",
                fiscal_year=fy,
                grade=grade,
                defaults={"amount": amount, "source": DEMO_SOURCE},
            )
    for fy in range(2023, fiscal_year(today) + 1):
        for benefit, grade, amount in B_DEMO:
            BenefitRate.objects.get_or_create(
                benefit=benefit,
                vaccine_class="B",
                fiscal_year=fy,
                grade=grade,
                defaults={"amount": amount, "source": "デモ用(PMDAの救済給付に準じた例示額・要確認)"},
            )


def _pick(rng: random.Random, qs: Any, used: set[int]) -> Resident | None:
    ids = [i for i in qs.values_list("id", flat=True)[:2000] if i not in used]
    if not ids:
        return None
    pk = rng.choice(ids)
    used.add(pk)
    return Resident.objects.get(pk=pk)


def _guardian(child: Resident, today: datetime.date) -> Resident | None:
    adult = datetime.date(today.year - 20, today.month, 1)
    return (
        Resident.objects.filter(household_id=child.household_id, birth_date__lte=adult, status="resident")
        .order_by("birth_date")
        .first()
    )


def seed(*, rng: random.Random, residents: int, stdout: Any) -> None:
    roles.sync_roles()
    _accounts(stdout)
    today = timezone.localdate()
    _rates(today)
    worker = Staff.objects.filter(username="relief").first()
    if worker is None or Claim.objects.exists():
        stdout.write("  救済申請: 既存のため省略")
        return
    living = Resident.objects.filter(status="resident")
    children = living.filter(
        birth_date__gte=datetime.date(today.year - 9, 1, 1), birth_date__lte=today.replace(year=today.year - 2)
    )
    young = living.filter(
        birth_date__gte=datetime.date(today.year - 26, 1, 1), birth_date__lte=datetime.date(today.year - 19, 1, 1)
    )
    elders = living.filter(birth_date__lte=datetime.date(today.year - 70, 1, 1))
    used: set[int] = set()
    made = 0
    for i, (code, benefit, relationship, target, result, grade) in enumerate(PLAN):
        elderly = code in ("covid_elderly", "flu_elderly", "hz_rzv_1")
        pool = elders if elderly else (young if code.startswith("hpv") else children)
        person = _pick(rng, pool.order_by("id"), used)
        if person is None:
            continue
        # dates: vaccinated about 1½ years ago, steps spaced over the following year, none in the future
        vaccinated = today - datetime.timedelta(days=560 - i * 7)
        onset = vaccinated + datetime.timedelta(days=rng.randint(1, 5))
        received = onset + datetime.timedelta(days=rng.randint(20, 60))
        claimant = person
        death = None
        if relationship == "guardian":
            claimant = _guardian(person, today)
        if relationship == "bereaved":
            death = onset + datetime.timedelta(days=10)
            received = death + datetime.timedelta(days=40)
            claimant = None
        intake = services.ClaimIntake(
            resident=person,
            relationship=relationship,
            vaccine_code=code,
            vaccinated_on=vaccinated,
            benefit=benefit,
            injury=rng.choice(
                [
                    "接種後の発熱・けいれんで入院",
                    "アナフィラキシー(救急搬送)",
                    "急性散在性脳脊髄炎の疑い",
                    "ギラン・バレー症候群の疑い",
                ]
            ),
            onset_on=onset,
            received_on=received,
            claimant_resident=claimant if relationship != "self" else None,
            claimant_name="" if claimant else f"{person.name.split('　')[0]}　和子",
            claimant_address="" if claimant else person.address,
            claimant_postal_code="" if claimant else person.postal_code,
            treatment_from=onset if benefit in ("medical_costs", "medical_allowance") else None,
            treatment_to=onset + datetime.timedelta(days=14)
            if benefit in ("medical_costs", "medical_allowance")
            else None,
            costs_paid_on=onset + datetime.timedelta(days=20)
            if benefit in ("medical_costs", "medical_allowance")
            else None,
            death_on=death,
            hospital="岡崎市民病院",
        )
        try:
            claim = services.claim_create(actor=worker, origin=ORIGIN, data=intake)
        except Exception as exc:  # a demo person who does not fit the rules (age): skip, say so
            stdout.write(f"  救済申請 {code}/{benefit}: 省略 ({exc})")
            continue
        _advance(claim, worker, target, result, grade, received, today)
        made += 1
    # one claim received after its deadline, accepted with the recorded reason
    person = _pick(rng, elders.order_by("id"), used)
    if person is not None:
        paid = today - datetime.timedelta(days=5 * 365 + 40)
        late = services.ClaimIntake(
            resident=person,
            relationship="self",
            vaccine_code="flu_elderly",
            vaccinated_on=paid - datetime.timedelta(days=30),
            benefit="medical_costs",
            injury="接種後の発熱・関節痛で入院",
            onset_on=paid - datetime.timedelta(days=28),
            treatment_from=paid - datetime.timedelta(days=27),
            treatment_to=paid - datetime.timedelta(days=10),
            costs_paid_on=paid,
            received_on=today - datetime.timedelta(days=3),
            hospital="岡崎市民病院",
            late_reason="長期入院のため期限内に請求できなかったことを診断書で確認",
        )
        services.claim_create(actor=worker, origin=ORIGIN, data=late)
        made += 1
    lead = Staff.objects.get(username="relief_lead")
    second = Staff.objects.get(username="relief2")
    # relief2 handles one claim of its own, so the two workers' lists differ
    extra = Claim.objects.order_by("id").first()
    if extra is not None:
        assign_perm("relief.view_claim", second, extra)
        assign_perm("relief.change_claim", second, extra)
    stdout.write(f"  救済申請 {made} 件(担当 relief、責任者 {lead.username})")


def _advance(
    claim: Claim, worker: Any, target: str, result: str, grade: str, received: datetime.date, today: datetime.date
) -> None:
    order = [State.INVESTIGATING, State.FORWARDED, State.RESULT_RECEIVED, State.NOTIFIED]
    reach = {
        State.RECEIVED: 0,
        State.INVESTIGATING: 1,
        State.FORWARDED: 2,
        State.RESULT_RECEIVED: 3,
        State.NOTIFIED: 4,
        State.PAYMENT_DECIDED: 4,
        State.PAID: 4,
        State.NOT_PAID: 4,
        State.APPEALED: 4,
    }[target]
    day = received
    step = max(3, min(40, (today - received).days // 8))
    for state in order[:reach]:
        day = min(today, day + datetime.timedelta(days=step))
        claim = services.claim_transition(
            actor=worker,
            origin=ORIGIN,
            claim=claim,
            to_state=state,
            on_date=day,
            result=result if state == State.RESULT_RECEIVED else "",
            grade=grade,
        )
    if target in (State.PAYMENT_DECIDED, State.PAID):
        n = claim.pk % 10000
        services.account_declare(
            actor=worker,
            origin=ORIGIN,
            claim=claim,
            values={
                **ACCOUNT,
                "account_no": f"{1000000 + n:07d}",
                "holder_kana": claim.claimant_kana or "オカザキ　カズコ",
            },
        )
        day = min(today, day + datetime.timedelta(days=step))
        claim = services.payment_decide(
            actor=worker, origin=ORIGIN, claim=claim, decided_on=day, amount=38_000 + n % 50 * 1000
        )
        if target == State.PAID:
            first = claim.payments.order_by("seq").first()
            services.payment_mark_paid(
                actor=worker, origin=ORIGIN, payment=first, paid_on=min(today, max(day, first.due_on))
            )
    if target in (State.NOT_PAID, State.APPEALED):
        day = min(today, day + datetime.timedelta(days=step))
        claim = services.claim_transition(
            actor=worker, origin=ORIGIN, claim=claim, to_state=State.NOT_PAID, on_date=day
        )
        if target == State.APPEALED:
            day = min(today, day + datetime.timedelta(days=step))
            services.claim_transition(actor=worker, origin=ORIGIN, claim=claim, to_state=State.APPEALED, on_date=day)
