"""The B-class vaccines that carry a co-payment, as billing groups them.

A decision is per vaccine type (the exemption is applied for per type: Anjo, Soja in japan-reference §2.1),
so the two recombinant zoster doses and the live zoster vaccine share one decision ("hz").
Dose codes and their classes are immunization's (immunization.doses); the groups below are billing's own.
"""

from __future__ import annotations

import datetime

from core.legal_age import fiscal_year
from immunization import doses

VACCINE_CHOICES = [
    ("flu_elderly", "インフルエンザ(高齢者)"),
    ("covid_elderly", "新型コロナ(高齢者)"),
    ("ppv_elderly", "高齢者肺炎球菌"),
    ("hz", "帯状疱疹"),
]
VACCINE_LABELS = dict(VACCINE_CHOICES)
CONSENT_SCOPES = [("all", "B類定期接種すべて"), *VACCINE_CHOICES]


def vaccine_of_dose(dose_code: str) -> str | None:
    """The decision group of a B-class dose (the vaccine's group in the schedule: both zoster vaccines are
    "hz"), or None for A-class (free) doses and codes the schedule does not know."""
    dose = doses.find(dose_code)
    if dose is None or not dose.is_b_class:
        return None
    return dose.vaccine_group if dose.vaccine_group in VACCINE_LABELS else None


def dose_groups() -> dict[str, str]:
    """Every B-class dose code of the schedule -> its decision group."""
    return {d.code: g for d in doses.all_doses() if (g := vaccine_of_dose(d.code))}


def tax_fiscal_year_for(reference_date: datetime.date) -> int:
    """The resident-tax year the city's rule uses on a reference date.

    A fiscal year's tax status is fixed in June (課税決定), so April and May still use the previous
    year's status (Sanuki's practice, japan-reference §2.2 item 4).
    """
    fy = fiscal_year(reference_date)
    return fy if reference_date.month >= 6 or reference_date.month <= 3 else fy - 1


def levy_date(tax_fiscal_year: int) -> datetime.date:
    """賦課期日: resident tax of a fiscal year is levied by the city where the person lived on 1 January."""
    return datetime.date(tax_fiscal_year, 1, 1)
