"""What notices need from the schedule (immunization.schedule), in one place.

The schedule module owns the rules (legal and standard windows, labels, A/B class). This module turns its
answers into birth-date ranges for set-based extraction and says clearly when a rule is missing.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

B_CLASS_PREFIXES = ("flu_elderly", "covid_elderly", "ppv_elderly", "hz_")
ANNUAL_PREFIXES = ("flu_elderly", "covid_elderly")  # one dose per fiscal year: "already vaccinated" = this season


class RuleMissing(ValueError):
    """No rule for this vaccine on the reference date: shown to staff, nothing is stored."""


@dataclass(frozen=True)
class BirthRange:
    birth_from: datetime.date
    birth_to: datetime.date


def _schedule() -> Any:
    try:
        from immunization import schedule
    except ImportError:
        return None
    return schedule


def years_before(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February in a common year
        return d.replace(year=d.year - years, day=28)


def age_range(on: datetime.date, age_from: int, age_to: int) -> BirthRange:
    """People aged age_from..age_to (years) on `on`. A person reaches N years on the day before the Nth
    birthday (japan-reference.md, the project's age rule), so on `on` the age is ≥ N when born on or before
    (on + 1 day) − N years."""
    nxt = on + datetime.timedelta(days=1)
    return BirthRange(
        birth_from=years_before(nxt, age_to + 1) + datetime.timedelta(days=1),
        birth_to=years_before(nxt, age_from),
    )


def _as_range(value: Any) -> BirthRange | None:
    if value is None:
        return None
    if isinstance(value, BirthRange):
        return value
    if isinstance(value, tuple | list) and len(value) == 2:
        start, end = value
    else:
        start = getattr(value, "birth_from", None) or getattr(value, "start", None)
        end = getattr(value, "birth_to", None) or getattr(value, "end", None)
    if start is None or end is None:
        return None
    if start > end:
        start, end = end, start
    return BirthRange(start, end)


def window(kind: str, dose_code: str, on: datetime.date) -> BirthRange:
    """Birth-date range of people in the dose's legal ("legal") or standard ("standard") window on `on`."""
    schedule = _schedule()
    fn = getattr(schedule, "cohort_window" if kind == "legal" else "standard_window", None) if schedule else None
    result = None
    if fn is not None:
        try:
            result = _as_range(fn(dose_code, on))
        except (KeyError, LookupError, ValueError):
            result = None
    if result is None:
        raise RuleMissing(f"「{dose_label(dose_code)}」には {on:%Y-%m-%d} 時点の接種ルールがありません。")
    return result


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
    schedule = _schedule()
    fn = getattr(schedule, "dose_label", None) if schedule else None
    if fn is not None:
        try:
            label = fn(code)
            if label:
                return str(label)
        except (KeyError, LookupError, ValueError):
            pass
    return code


def vaccine_class(code: str) -> str:
    schedule = _schedule()
    fn = getattr(schedule, "vaccine_class", None) if schedule else None
    if fn is not None:
        try:
            value = fn(code)
            if value:
                return str(value)[:1].upper()
        except (KeyError, LookupError, ValueError):
            pass
    return "B" if code.startswith(B_CLASS_PREFIXES) else "A"


def vaccine_of(code: str) -> str:
    schedule = _schedule()
    fn = getattr(schedule, "vaccine_of", None) if schedule else None
    if fn is not None:
        try:
            return str(fn(code))
        except (KeyError, LookupError, ValueError):
            pass
    return code.rsplit("_", 1)[0]


def dose_codes_for(vaccine: str, dose: int | None) -> list[str]:
    """CLI/screen input -> dose codes: ("mr", 1) -> ["mr_1"], ("flu_elderly", None) -> ["flu_elderly"]."""
    vaccine = vaccine.strip()
    if dose is None:
        return [vaccine]
    return [f"{vaccine}_{dose}"]


def is_annual(code: str) -> bool:
    return code.startswith(ANNUAL_PREFIXES)


def fiscal_year_start(on: datetime.date) -> datetime.date:
    return datetime.date(on.year if on.month >= 4 else on.year - 1, 4, 1)


def deadline(dose_code: str, birth_date: datetime.date, fallback: datetime.date | None, on: datetime.date) -> Any:
    """The date printed as "接種できる期限": the batch's fixed deadline when staff gave one (seasonal vaccines),
    else the end of this person's legal window from the schedule's forecast."""
    if fallback is not None:
        return fallback
    return _legal_end(dose_code, birth_date, on)


@functools.lru_cache(maxsize=20_000)
def _legal_end(dose_code: str, birth_date: datetime.date, on: datetime.date) -> datetime.date | None:
    schedule = _schedule()
    fn = getattr(schedule, "forecast", None) if schedule else None
    if fn is None:
        return None
    try:
        # an empty history is enough here: the window of a dose follows from the birth date
        sex = "2" if dose_code.startswith(("hpv", "rsv")) else "1"  # doses limited to one sex
        for dose in fn(birth_date=birth_date, sex=sex, history=[], on=on):
            if dose.code == dose_code:
                return dose.latest
    except (KeyError, LookupError, ValueError, TypeError):
        return None
    return None
