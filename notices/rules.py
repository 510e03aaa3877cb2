"""What notices need from the schedule (immunization.schedule) and the dose vocabulary (immunization.doses).

The schedule owns the rules (legal and standard windows) and the vocabulary what each dose is (label, class,
sex). This module turns their answers into birth-date ranges for set-based extraction and says clearly
when a rule is missing.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from core.legal_age import birth_range_for_ages
from immunization import doses, schedule


class RuleMissing(ValueError):
    """No rule for this vaccine on the reference date: shown to staff, nothing is stored."""


@dataclass(frozen=True)
class BirthRange:
    birth_from: datetime.date
    birth_to: datetime.date


def age_range(on: datetime.date, age_from: int, age_to: int) -> BirthRange:
    """People aged age_from..age_to (legal age, core.legal_age) on `on`."""
    return BirthRange(*birth_range_for_ages(on, age_from, age_to))


def window(kind: str, dose_code: str, on: datetime.date) -> BirthRange:
    """Birth-date range of people in the dose's legal ("legal") or standard ("standard") window on `on`."""
    fn = schedule.cohort_window if kind == "legal" else schedule.standard_window
    result = None
    if doses.is_dose_code(dose_code):
        try:
            result = fn(dose_code, on)
        except (KeyError, LookupError, ValueError):
            result = None
    if result is None:
        raise RuleMissing(f"「{doses.label(dose_code)}」には {on:%Y-%m-%d} 時点の接種ルールがありません。")
    start, end = result
    return BirthRange(min(start, end), max(start, end))


def overdue_ranges(dose_code: str, on: datetime.date) -> list[BirthRange]:
    """In the legal window but past the standard one: the people a reminder is for."""
    legal = window("legal", dose_code, on)
    try:
        std = window("standard", dose_code, on)
    except RuleMissing:
        return [legal]
    # standard ⊂ legal; people born before the standard range are older: they have passed it.
    older = BirthRange(legal.birth_from, min(legal.birth_to, std.birth_from - datetime.timedelta(days=1)))
    return [older] if older.birth_from <= older.birth_to else []


def dose_label(code: str) -> str:
    return doses.label(code)


def vaccine_class(code: str) -> str:
    return doses.vaccine_class(code)


def vaccine_of(code: str) -> str:
    return doses.get(code).vaccine


def dose_codes_for(vaccine: str, dose: int | None) -> list[str]:
    """CLI/screen input -> dose codes: ("mr", 1) -> ["mr_1"], ("flu_elderly", None) -> ["flu_elderly"]."""
    vaccine = vaccine.strip()
    if dose is None:
        return [vaccine]
    return [f"{vaccine}_{dose}"]


def is_annual(code: str) -> bool:
    """One dose per fiscal year: "already vaccinated" means this season."""
    dose = doses.find(code)
    return dose is not None and dose.is_yearly


def deadline(
    dose_code: str, birth_date: datetime.date, fallback: datetime.date | None, on: datetime.date
) -> datetime.date | None:
    """The date printed as "接種できる期限": the batch's fixed deadline when staff gave one (seasonal vaccines),
    else the end of this person's legal window from the schedule's forecast."""
    if fallback is not None:
        return fallback
    return _legal_end(dose_code, birth_date, on)


@functools.lru_cache(maxsize=20_000)
def _legal_end(dose_code: str, birth_date: datetime.date, on: datetime.date) -> datetime.date | None:
    dose = doses.find(dose_code)
    if dose is None:
        return None
    # an empty history is enough here: the window of a dose follows from the birth date (and the sex it is for)
    sex = dose.sex or doses.FEMALE
    for f in schedule.forecast(birth_date=birth_date, sex=sex, history=[], on=on):
        if f.code == dose_code:
            return f.latest
    return None
