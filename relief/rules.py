"""The relief rules that are law, not data: which benefit exists for which vaccine class, who may claim
it, and its claim deadline (請求期限). Sources: japan-reference.md §5.1 and §5.3 (予防接種法 第16条;
Kofu city's page for the B-class limits). Amounts change every April and are data (BenefitRate).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models


class VaccineClass(models.TextChoices):
    A = "A", "A類疾病"
    B = "B", "B類疾病"


class Benefit(models.TextChoices):
    MEDICAL_COSTS = "medical_costs", "医療費"
    MEDICAL_ALLOWANCE = "medical_allowance", "医療手当"
    CHILD_PENSION = "child_pension", "障害児養育年金"
    DISABILITY_PENSION = "disability_pension", "障害年金"
    DEATH_LUMP_SUM = "death_lump_sum", "死亡一時金"
    BEREAVED_PENSION = "bereaved_pension", "遺族年金"
    BEREAVED_LUMP_SUM = "bereaved_lump_sum", "遺族一時金"
    FUNERAL = "funeral", "葬祭料"


class Relationship(models.TextChoices):
    SELF = "self", "本人"
    GUARDIAN = "guardian", "保護者"
    BEREAVED = "bereaved", "遺族"


class PayKind(models.TextChoices):
    ONCE = "once", "一時金"
    MONTHLY = "monthly", "月額(月数分)"
    PENSION = "pension", "年金(年額・分割払)"
    ACTUAL = "actual", "実費"


# A類 (and B類 臨時): 予防接種法 第16条 1項. B類 定期: 第16条 2項 (no 障害児養育年金; bereaved pension or
# lump sum instead of the death lump sum; medical costs/allowance only for care needing hospitalisation).
BENEFITS_BY_CLASS: dict[str, tuple[str, ...]] = {
    VaccineClass.A: (
        Benefit.MEDICAL_COSTS,
        Benefit.MEDICAL_ALLOWANCE,
        Benefit.CHILD_PENSION,
        Benefit.DISABILITY_PENSION,
        Benefit.DEATH_LUMP_SUM,
        Benefit.FUNERAL,
    ),
    VaccineClass.B: (
        Benefit.MEDICAL_COSTS,
        Benefit.MEDICAL_ALLOWANCE,
        Benefit.DISABILITY_PENSION,
        Benefit.BEREAVED_PENSION,
        Benefit.BEREAVED_LUMP_SUM,
        Benefit.FUNERAL,
    ),
}

PAY_KIND: dict[str, str] = {
    Benefit.MEDICAL_COSTS: PayKind.ACTUAL,
    Benefit.MEDICAL_ALLOWANCE: PayKind.MONTHLY,
    Benefit.CHILD_PENSION: PayKind.PENSION,
    Benefit.DISABILITY_PENSION: PayKind.PENSION,
    Benefit.BEREAVED_PENSION: PayKind.PENSION,
    Benefit.DEATH_LUMP_SUM: PayKind.ONCE,
    Benefit.BEREAVED_LUMP_SUM: PayKind.ONCE,
    Benefit.FUNERAL: PayKind.ONCE,
}

DEATH_BENEFITS = {Benefit.DEATH_LUMP_SUM, Benefit.BEREAVED_PENSION, Benefit.BEREAVED_LUMP_SUM, Benefit.FUNERAL}
MEDICAL_BENEFITS = {Benefit.MEDICAL_COSTS, Benefit.MEDICAL_ALLOWANCE}
# Benefits whose earlier payment for the same injury shortens the B-class bereaved limit to 2 years.
EARLIER_PAID_SHORTENS = {Benefit.MEDICAL_COSTS, Benefit.MEDICAL_ALLOWANCE, Benefit.DISABILITY_PENSION}


def benefit_available(vaccine_class: str, benefit: str) -> bool:
    return benefit in BENEFITS_BY_CLASS.get(vaccine_class, ())


def benefit_choices(vaccine_class: str) -> list[tuple[str, str]]:
    return [(b, Benefit(b).label) for b in BENEFITS_BY_CLASS.get(vaccine_class, ())]


@dataclass(frozen=True)
class Deadline:
    due: datetime.date | None  # None: no statutory limit
    basis: str  # shown to staff and on the letter


def add_years(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def claim_deadline(
    *,
    vaccine_class: str,
    benefit: str,
    costs_paid_on: datetime.date | None,
    death_date: datetime.date | None,
    earlier_benefit_paid: bool = False,
) -> Deadline:
    """請求期限 of one claim. A類: the law sets none (a general municipal prescription is an open legal
    question, japan-reference §5.3), so none is enforced. B類: 医療費・医療手当 5 years from paying the
    costs; 遺族年金・遺族一時金 5 years from death, 2 years if 医療費/医療手当/障害年金 were already paid for
    the same injury; 葬祭料 follows the PMDA scale (5 years from death); 障害年金 has no limit."""
    if vaccine_class != VaccineClass.B:
        return Deadline(None, "A類疾病: 法定の請求期限なし")
    if benefit in MEDICAL_BENEFITS:
        if costs_paid_on is None:
            return Deadline(None, "医療費を支払った日が未入力")
        return Deadline(add_years(costs_paid_on, 5), "医療費を支払った日から5年")
    if benefit in (Benefit.BEREAVED_PENSION, Benefit.BEREAVED_LUMP_SUM):
        if death_date is None:
            return Deadline(None, "死亡日が未入力")
        if earlier_benefit_paid:
            return Deadline(add_years(death_date, 2), "死亡日から2年(同一の健康被害に医療費等の支給あり)")
        return Deadline(add_years(death_date, 5), "死亡日から5年")
    if benefit == Benefit.FUNERAL:
        if death_date is None:
            return Deadline(None, "死亡日が未入力")
        return Deadline(add_years(death_date, 5), "死亡日から5年")
    return Deadline(None, "請求期限なし")


# Pension instalments: four times a year, each paying the months up to the previous month
# (予防接種法施行令: 1月・4月・7月・10月の4期).
PENSION_PAY_MONTHS = (1, 4, 7, 10)
