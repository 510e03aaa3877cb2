"""The inverse problem: which birth dates are within a dose's window on a given day ("cohort → birth-date
range"), for extracting notice targets in SQL.

The engine answers "born on b, when may this dose be given?" (`engine.window_spans`); here the question is
turned round. Every window's start and end are non-decreasing in the birth date, so each birth range is
found by two binary searches over the days (`_birth_range`) instead of an algebra per kind of window.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from core.legal_age import fiscal_year, fy_end, fy_in_which_reaches, fy_start, month_day, parse_offset, reach_date

from .engine import FAR, ONE_DAY, window_spans
from .rules import Window, get_rules, in_force

Range = tuple[datetime.date, datetime.date]
DayOf = Callable[[datetime.date], datetime.date]  # birth date -> a day (non-decreasing in the birth date)


def _birth_range(
    on: datetime.date, start_of: DayOf, end_of: DayOf, lo: datetime.date, hi: datetime.date
) -> Range | None:
    """Births b in [lo, hi] with start_of(b) <= on <= end_of(b); both functions non-decreasing in b."""

    def first_true(pred: Callable[[datetime.date], bool]) -> datetime.date | None:
        """The smallest b with pred(b), pred being monotone (False … False, True … True)."""
        a, b = lo.toordinal(), hi.toordinal()
        if not pred(hi):
            return None
        while a < b:
            mid = (a + b) // 2
            if pred(datetime.date.fromordinal(mid)):
                b = mid
            else:
                a = mid + 1
        return datetime.date.fromordinal(a)

    b_min = first_true(lambda b: end_of(b) >= on)
    after = first_true(lambda b: start_of(b) > on)
    b_max = (after - ONE_DAY) if after else hi
    if b_min is None or b_min > b_max:
        return None
    return b_min, b_max


def _window_cohort(w_: Window, on: datetime.date, *, season: bool = True) -> tuple[datetime.date, datetime.date] | None:
    if not in_force(w_.valid_from, w_.valid_to, on) or w_.kind == "pregnancy":
        return None
    if season and w_.season_from and w_.season_to:
        fy = fiscal_year(on)
        if not month_day(fy, w_.season_from) <= on <= month_day(fy, w_.season_to):
            return None
    lo = max(w_.birth_from or datetime.date(on.year - 125, 1, 1), datetime.date(on.year - 125, 1, 1))
    hi = min(w_.birth_to or on, on)
    if lo > hi:
        return None
    if w_.kind == "fy_end_age" and (len(w_.fy_ages) > 1 or w_.fy_ages_open_from is not None):
        return None  # several cohorts: see cohort_windows

    def bounds(b: datetime.date) -> tuple[datetime.date, datetime.date]:
        # the window's own span for birth b, before cutting to the dates it is in force
        probe = Window(**{**w_.__dict__, "birth_from": None, "birth_to": None, "valid_from": None, "valid_to": None})
        spans = window_spans(b, probe)
        return spans[0] if spans else (FAR, datetime.date.min)

    return _birth_range(on, lambda b: bounds(b)[0], lambda b: bounds(b)[1], lo, hi)


def cohort_window(code: str, on: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The birth-date range whose members are within dose `code`'s regular legal window on `on` (no special
    cohort, no condition such as 障害1級相当); None when nobody is. For SQL extraction of targets."""
    dose = get_rules().doses[code]
    found = [
        r
        for w_ in dose.windows
        if not w_.is_special and not w_.condition and not (w_.started_from or w_.started_to)
        if (r := _window_cohort(w_, on)) is not None
    ]
    if not found:
        return None
    return min(r[0] for r in found), max(r[1] for r in found)


def cohort_windows(code: str, on: datetime.date) -> list[tuple[str, datetime.date, datetime.date, str]]:
    """Every birth range within a legal window of `code` on `on`, special cohorts included:
    (label, birth_from, birth_to, condition)."""
    dose = get_rules().doses[code]
    out = []
    for w_ in dose.windows:
        if w_.kind == "fy_end_age" and in_force(w_.valid_from, w_.valid_to, on):
            fy = fiscal_year(on)
            ages = list(w_.fy_ages)
            for age in ages:
                # reaching `age` within fiscal year fy: born fy-age+… (the day after 1 April, age years before)
                lo = datetime.date(fy - age, 4, 2)
                hi = datetime.date(fy - age + 1, 4, 1)
                lo, hi = max(lo, w_.birth_from or lo), min(hi, w_.birth_to or hi)
                if lo <= hi:
                    out.append((f"{w_.label}({age}歳)", lo, hi, w_.condition))
            if w_.fy_ages_open_from is not None:
                hi = datetime.date(fy - w_.fy_ages_open_from + 1, 4, 1)
                label = f"{w_.label}({w_.fy_ages_open_from}歳以上)"
                out.append((label, datetime.date(fy - 125, 1, 1), hi, w_.condition))
            continue
        r = _window_cohort(w_, on)
        if r is not None:
            out.append((w_.label, r[0], r[1], w_.condition))
    return out


def standard_window(code: str, on: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The birth-date range whose members are within dose `code`'s standard period (標準的な接種期間) on `on`.

    Only for doses whose standard period follows from the birth date (age, fiscal year, season or the legal
    window itself); a standard period counted from a previous dose depends on each history, so it is None."""
    rules = get_rules()
    vaccine = rules.vaccine_of_dose(code)
    plans = [p for p in vaccine.plans if in_force(p.valid_from, p.valid_to, on) and p.step_for(code)]
    if not plans:
        return None
    step = plans[0].step_for(code)
    assert step is not None
    legal = cohort_window(code, on)
    if step.std_kind in ("legal", "season"):
        if step.std_kind == "season":
            fy = fiscal_year(on)
            if not month_day(fy, step.std_from) <= on <= month_day(fy, step.std_to):
                return None
        return legal
    if step.std_kind == "after_prev" or legal is None:
        return None
    if step.std_kind == "age":
        start_of = lambda b: reach_date(b, step.std_from)  # noqa: E731
        end_of = lambda b: reach_date(b, step.std_to)  # noqa: E731
    else:  # fy_reach
        start_of = lambda b: fy_start(fy_in_which_reaches(b, parse_offset(step.std_from).years))  # noqa: E731
        end_of = lambda b: fy_end(fy_in_which_reaches(b, parse_offset(step.std_to).years))  # noqa: E731
    std = _birth_range(on, start_of, end_of, datetime.date(on.year - 125, 1, 1), on)
    if std is None:
        return None
    lo, hi = max(std[0], legal[0]), min(std[1], legal[1])
    return (lo, hi) if lo <= hi else None
