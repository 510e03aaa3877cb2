"""給付額: the benefit amounts, data per fiscal year, class and grade (they change every April), entered by
the supervisor; and how a payment finds the one that applies."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.origin import Origin
from core.refusals import Outcome, record_refusal
from core.wareki import era_of

from ..models import BenefitRate, Claim
from ..rules import benefit_available
from ._shared import PURPOSE


def rate_for(claim: Claim, fiscal_year: int, grade: str = "") -> BenefitRate | None:
    return BenefitRate.objects.filter(
        benefit=claim.benefit, vaccine_class=claim.vaccine_class, fiscal_year=fiscal_year, grade=grade
    ).first()


def no_rate_message(claim: Claim, fy: int, grade: str) -> str:
    era, year = era_of(datetime.date(fy, 4, 1))
    g = f"・{grade}" if grade else ""
    return (
        f"{era}{year}年度({fy}年度)の{claim.get_vaccine_class_display()}「{claim.get_benefit_display()}{g}」の"
        "給付額が登録されていません。責任者に給付額の登録を依頼してください。"
    )


def rate_set(
    *,
    actor: Any,
    origin: Origin,
    benefit: str,
    vaccine_class: str,
    fiscal_year: int,
    grade: str,
    amount: int,
    source: str,
) -> BenefitRate:
    if not actor.has_perm("relief.manage_rates"):
        raise PermissionDenied("給付額を登録する権限がありません。")
    errors: dict[str, list[str]] = {}
    if not benefit_available(vaccine_class, benefit):
        errors["benefit"] = ["この類型にない給付です。"]
    if not 2000 <= fiscal_year <= 2100:
        errors["fiscal_year"] = ["年度は西暦4桁で入力してください。"]
    if amount <= 0:
        errors["amount"] = ["金額は1円以上で入力してください。"]
    if errors:
        record_refusal(
            actor=actor, action="rate_set", outcome=Outcome.INVALID, origin=origin, purpose=PURPOSE, errors=errors
        )
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        rate, _ = BenefitRate.objects.update_or_create(
            benefit=benefit,
            vaccine_class=vaccine_class,
            fiscal_year=fiscal_year,
            grade=grade.strip(),
            defaults={"amount": amount, "source": source.strip()},
        )
    return rate
