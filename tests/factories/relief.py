from __future__ import annotations

import datetime

import factory
from guardian.shortcuts import assign_perm

from relief.models import BenefitRate, Claim
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory


class ClaimFactory(factory.django.DjangoModelFactory):
    """A received claim (A-class medical costs) written straight to the table; workflow tests move it
    through the services."""

    class Meta:
        model = Claim

    claim_no = factory.Sequence(lambda n: f"2026-{n + 90000:05d}")
    resident = factory.SubFactory(ResidentFactory, birth_date=datetime.date(2025, 4, 1))
    relationship = "guardian"
    claimant_name = "岡崎　花子"
    claimant_address = "愛知県岡崎市康生町1丁目1番地"
    claimant_postal_code = "4440052"
    vaccine_code = "dpt_ipv_hib_1i1"
    dose_label = "1期初回1回目"
    vaccine_class = "A"
    vaccinated_on = datetime.date(2025, 6, 10)
    benefit = "medical_costs"
    injury = "接種翌日 発熱・けいれん(熱性けいれん疑い)"
    onset_on = datetime.date(2025, 6, 11)
    treatment_from = datetime.date(2025, 6, 11)
    treatment_to = datetime.date(2025, 6, 20)
    received_on = datetime.date(2026, 4, 10)
    deadline_basis = "A類疾病: 法定の請求期限なし"
    created_by = factory.SubFactory(StaffFactory)


def assign(claim: Claim, staff) -> None:  # type: ignore[no-untyped-def]
    assign_perm("relief.view_claim", staff, claim)
    assign_perm("relief.change_claim", staff, claim)


def rate(
    benefit: str, amount: int, *, fiscal_year: int = 2026, vaccine_class: str = "A", grade: str = ""
) -> BenefitRate:
    return BenefitRate.objects.update_or_create(
        benefit=benefit,
        vaccine_class=vaccine_class,
        fiscal_year=fiscal_year,
        grade=grade,
        defaults={"amount": amount, "source": "テスト"},
    )[0]
