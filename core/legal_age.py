"""Legal age and date arithmetic for the routine schedule: the one place these calculations live.

The project's convention (japan-reference.md, top note):
- A person *reaches* N months or N years on the day before the N-th anniversary (応当日の前日); when
  the anniversary month has no such day (born 31 July, +2 months -> no 31 September), it is that
  month's last day (30 September). So a child born 30 July reaches 2 months on 29 September and one
  born 31 July on 30 September; a person born 29 February reaches 1 year on 28 February.
- "出生N週M日後" is counted in days from the day of birth (6週0日後 = birth + 42 days).
- A window "from reaching A until reaching B" (…に至るまで) includes both days; "B歳未満" ends the
  day before reaching B.
- "年度内にN歳" (年度末年齢) is the age reached by 31 March of that fiscal year.
- Intervals "中N日以上" are counted from the day after the previous dose, so the earliest next day is
  previous + N + 1 (27 days -> the same weekday four weeks later). Month intervals ("6月以上") end on
  the same date N months later (応当日); when that month has no such day, on the 1st of the next month.

Offsets are written compactly in the schedule data: "2m", "7y6m", "6w", "14w6d", "27d", "2m15d".
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

_OFFSET = re.compile(r"^(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?$")


@dataclass(frozen=True)
class Offset:
    """A span written as years, months, weeks and days ("7y6m", "14w6d")."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    @property
    def total_days(self) -> int:
        return self.weeks * 7 + self.days

    def __str__(self) -> str:
        return describe_offset(self)


@lru_cache(maxsize=512)
def parse_offset(text: str) -> Offset:
    """'7y6m' -> Offset(years=7, months=6). Raises ValueError on anything else."""
    m = _OFFSET.match((text or "").strip())
    if not m or not any(m.groups()):
        raise ValueError(f"期間の書き方が正しくありません: {text!r}(例: 2m, 7y6m, 6w, 27d)")
    y, mo, w, d = (int(g) if g else 0 for g in m.groups())
    return Offset(y, mo, w, d)


def describe_offset(o: Offset | str) -> str:
    """Offset -> Japanese ('7y6m' -> '7年6か月', '27d' -> '27日', '6w' -> '6週')."""
    if isinstance(o, str):
        o = parse_offset(o)
    parts = []
    if o.years:
        parts.append(f"{o.years}年")
    if o.months:
        parts.append(f"{o.months}か月")
    if o.weeks:
        parts.append(f"{o.weeks}週")
    if o.days or not parts:
        parts.append(f"{o.days}日")
    return "".join(parts)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last_day(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months_clamped(d: datetime.date, months: int) -> tuple[datetime.date, bool]:
    """The same day `months` later, or that month's last day; the flag says whether it was clamped."""
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    if d.day > 28:
        last = _last_day(year, month0 + 1)
        if d.day > last:
            return datetime.date(year, month0 + 1, last), True
    return datetime.date(year, month0 + 1, d.day), False


@lru_cache(maxsize=65536)  # a forecast asks the same few ages of one birth date many times
def reach_date(birth: datetime.date, offset: Offset | str) -> datetime.date:
    """The day a person born on `birth` reaches the age `offset` (生後N月/N歳に至った日).

    Months and years: the day before the anniversary, or the anniversary month's last day when it
    has no such day. Weeks and days (出生N週M日後): birth + that many days.
    """
    if isinstance(offset, str):
        offset = parse_offset(offset)
    d = birth
    if offset.total_months:
        anniversary, clamped = add_months_clamped(birth, offset.total_months)
        d = anniversary if clamped else anniversary - datetime.timedelta(days=1)
    return d + datetime.timedelta(days=offset.total_days)


def age_years(birth: datetime.date, on: datetime.date) -> int:
    """Legal age in whole years on `on` (the age is counted up on the day before each birthday)."""
    years = on.year - birth.year
    if years > 0 and reach_date(birth, Offset(years=years)) > on:
        years -= 1
    elif years <= 0:
        return 0
    return years


def age_months(birth: datetime.date, on: datetime.date) -> int:
    """Legal age in whole months on `on` (生後N月)."""
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    while months > 0 and reach_date(birth, Offset(months=months)) > on:
        months -= 1
    return max(months, 0)


def birth_range_for_ages(on: datetime.date, age_from: int, age_to: int) -> tuple[datetime.date, datetime.date]:
    """(first, last) birth date of the people whose legal age on `on` is age_from..age_to years.

    Someone is N on `on` once they reach N (the day before the birthday), i.e. when born on or before
    (on + 1 day) − N years, so the range is the inverse of `age_years`.
    """
    nxt = on + datetime.timedelta(days=1)
    return _years_before(nxt, age_to + 1) + datetime.timedelta(days=1), _years_before(nxt, age_from)


def _years_before(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February in a common year
        return d.replace(year=d.year - years, day=28)


def fiscal_year(d: datetime.date) -> int:
    """The fiscal year (年度) a date falls in: 1 April – 31 March; 2026-03-31 -> 2025."""
    return d.year if d.month >= 4 else d.year - 1


def fy_start(fy: int) -> datetime.date:
    return datetime.date(fy, 4, 1)


def fiscal_year_start(d: datetime.date) -> datetime.date:
    """1 April of the fiscal year `d` falls in (the start of "this season" for yearly doses)."""
    return fy_start(fiscal_year(d))


def fy_end(fy: int) -> datetime.date:
    return datetime.date(fy + 1, 3, 31)


def fy_end_age(birth: datetime.date, fy: int) -> int:
    """年度末年齢: the age reached by 31 March of fiscal year `fy` ("年度内にN歳")."""
    return age_years(birth, fy_end(fy))


def fy_in_which_reaches(birth: datetime.date, years: int) -> int:
    """The fiscal year in which the person reaches `years` (N歳となる日の属する年度)."""
    return fiscal_year(reach_date(birth, Offset(years=years)))


def school_entry_date(birth: datetime.date) -> datetime.date:
    """小学校就学の始期: the 1 April after the day the child reaches 6 (born 1 April -> that year's 1 April
    cohort one year ahead of those born 2 April)."""
    reached = reach_date(birth, Offset(years=6))
    return datetime.date(reached.year + (1 if reached.month >= 4 else 0), 4, 1)


def interval_earliest(previous: datetime.date, offset: Offset | str) -> datetime.date:
    """The first day a dose may follow one given on `previous` with at least `offset` between them.

    Days and weeks are counted from the day after (中27日 -> previous + 28); months and years end on
    the same date that many months later, or the 1st of the following month when that date does not
    exist (31 August + 6 months -> 1 March).
    """
    if isinstance(offset, str):
        offset = parse_offset(offset)
    d = previous
    if offset.total_months:
        anniversary, clamped = add_months_clamped(previous, offset.total_months)
        d = anniversary + datetime.timedelta(days=1) if clamped else anniversary
    if offset.total_days:
        d = d + datetime.timedelta(days=offset.total_days + (0 if offset.total_months else 1))
    return d


def interval_latest(previous: datetime.date, offset: Offset | str) -> datetime.date:
    """The last day of a maximum interval ("…から6月まで"): the day before the first day past it."""
    return interval_earliest(previous, offset) - datetime.timedelta(days=1)


def month_day(fy: int, mmdd: str) -> datetime.date:
    """'10-01' in fiscal year 2026 -> 2026-10-01; '01-31' in fiscal year 2026 -> 2027-01-31."""
    month, day = (int(x) for x in mmdd.split("-"))
    return datetime.date(fy if month >= 4 else fy + 1, month, day)
