"""The records side's one door to the schedule rules (``immunization.schedule``).

Records call `dose_problems` to flag a dose that breaks an age or interval rule; the record is stored
but flagged (規則上の問題), never silently valid. What a dose *is* (label, class, sex) is in
`immunization.doses`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from . import schedule


def past_dose(code: str, given_on: datetime.date | None) -> schedule.PastDose:
    return schedule.PastDose(code=code, given_on=given_on)


def dose_problems(
    *,
    birth_date: datetime.date,
    sex: str,
    history: Iterable[tuple[str, datetime.date | None]],
    code: str,
    given_on: datetime.date | None,
) -> tuple[list[str], bool]:
    """(problems in Japanese, whether the rules were consulted). A dose of unknown date cannot be judged."""
    if given_on is None:
        return [], False
    past = [past_dose(c, d) for c, d in history]  # a date-unknown dose still counts as given
    return problems_with_past(birth_date=birth_date, sex=sex, past=past, code=code, given_on=given_on), True


def problems_with_past(
    *, birth_date: datetime.date, sex: str, past: list[schedule.PastDose], code: str, given_on: datetime.date
) -> list[str]:
    """`dose_problems` for callers that built the `PastDose` list themselves (the punch import, in bulk)."""
    found = schedule.check_dose(birth_date=birth_date, sex=sex, history=past, code=code, given_on=given_on)
    return [str(p) for p in found]
