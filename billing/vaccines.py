"""The B-class vaccines that carry a co-payment, as billing groups them.

A decision is per vaccine type (the exemption is applied for per type: Anjo, Soja in japan-reference §2.1),
so the two recombinant zoster doses and the live zoster vaccine share one decision ("hz").
Dose codes follow japan-reference.md §1.3; `immunization.schedule` names them when it is present.
"""

from __future__ import annotations

import datetime

VACCINE_CHOICES = [
    ("flu_elderly", "インフルエンザ(高齢者)"),
    ("covid_elderly", "新型コロナ(高齢者)"),
    ("ppv_elderly", "高齢者肺炎球菌"),
    ("hz", "帯状疱疹"),
]
VACCINE_LABELS = dict(VACCINE_CHOICES)
CONSENT_SCOPES = [("all", "B類定期接種すべて"), *VACCINE_CHOICES]

# B-class dose codes -> decision group
DOSE_VACCINE = {
    "flu_elderly": "flu_elderly",
    "flu_elderly_hd": "flu_elderly",
    "covid_elderly": "covid_elderly",
    "ppv_elderly": "ppv_elderly",
    "pcv_elderly": "ppv_elderly",
    "hz_live": "hz",
    "hz_rzv_1": "hz",
    "hz_rzv_2": "hz",
}

DOSE_LABELS_FALLBACK = {
    "flu_elderly": "インフルエンザ(高齢者)",
    "flu_elderly_hd": "インフルエンザ高用量(75歳以上)",
    "covid_elderly": "新型コロナ(高齢者)",
    "ppv_elderly": "高齢者肺炎球菌",
    "pcv_elderly": "高齢者肺炎球菌(PCV20)",
    "hz_live": "帯状疱疹 生ワクチン",
    "hz_rzv_1": "帯状疱疹 組換え 1回目",
    "hz_rzv_2": "帯状疱疹 組換え 2回目",
}


def vaccine_of_dose(dose_code: str) -> str | None:
    """The decision group of a B-class dose code, or None for A-class (free) doses."""
    if dose_code in DOSE_VACCINE:
        return DOSE_VACCINE[dose_code]
    if dose_code.startswith("hz_"):
        return "hz"
    if dose_code.startswith("flu_elderly"):
        return "flu_elderly"
    try:  # the schedule helper's table, when merged
        from immunization.schedule import vaccine_class  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        cls = vaccine_class(dose_code)
    except Exception:
        return None
    return dose_code if str(cls).upper().startswith("B") else None


def dose_label(dose_code: str) -> str:
    try:
        from immunization.schedule import dose_label as schedule_label  # type: ignore[import-not-found]

        label = schedule_label(dose_code)
        if label:
            return str(label)
    except Exception:  # noqa: S110 - fall back to our own names until the schedule lands
        pass
    return DOSE_LABELS_FALLBACK.get(dose_code, dose_code)


def fiscal_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def tax_fiscal_year_for(reference_date: datetime.date) -> int:
    """The resident-tax year the city's rule uses on a reference date.

    A fiscal year's tax status is fixed in June (課税決定), so April and May still use the previous
    year's status (Sanuki's practice, japan-reference §2.2 item 4).
    """
    fy = fiscal_year_of(reference_date)
    return fy if reference_date.month >= 6 or reference_date.month <= 3 else fy - 1


def levy_date(tax_fiscal_year: int) -> datetime.date:
    """賦課期日: resident tax of a fiscal year is levied by the city where the person lived on 1 January."""
    return datetime.date(tax_fiscal_year, 1, 1)
