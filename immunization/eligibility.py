"""The records side's one door to the schedule rules (``immunization.schedule``, built beside this).

Records call `dose_problems` to flag a dose that breaks an age or interval rule; the record is stored
but flagged, never silently valid. While the schedule API is not installed, `rules_available()` is
False, records are stored with ``rules_checked=False`` and the UI says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

try:  # the schedule helper's API (PastDose, check_dose, dose_codes, dose_label, vaccine_class)
    from immunization import schedule as _schedule

    _HAVE = all(hasattr(_schedule, n) for n in ("PastDose", "check_dose", "dose_codes", "dose_label"))
except ImportError:  # pragma: no cover - depends on the merge order
    _schedule = None  # type: ignore[assignment]
    _HAVE = False

# Per-dose codes of japan-reference.md §1.3, used to validate input until the rule tables answer.
_FALLBACK_LABELS: dict[str, str] = {
    **{f"dpt_ipv_hib_1i{i}": f"5種混合 1期初回{i}回目" for i in (1, 2, 3)},
    "dpt_ipv_hib_1b": "5種混合 1期追加",
    **{f"dpt_ipv_1i{i}": f"4種混合 1期初回{i}回目" for i in (1, 2, 3)},
    "dpt_ipv_1b": "4種混合 1期追加",
    **{f"hib_1i{i}": f"Hib 初回{i}回目" for i in (1, 2, 3)},
    "hib_1b": "Hib 追加",
    **{f"pcv_1i{i}": f"小児肺炎球菌 初回{i}回目" for i in (1, 2, 3)},
    "pcv_1b": "小児肺炎球菌 追加",
    "dt_2": "2種混合 2期",
    **{f"hepb_{i}": f"B型肝炎 {i}回目" for i in (1, 2, 3)},
    **{f"rota1_{i}": f"ロタ(1価) {i}回目" for i in (1, 2)},
    **{f"rota5_{i}": f"ロタ(5価) {i}回目" for i in (1, 2, 3)},
    "bcg": "BCG",
    "mr_1": "MR 1期",
    "mr_2": "MR 2期",
    **{f"varicella_{i}": f"水痘 {i}回目" for i in (1, 2)},
    "je_1i1": "日本脳炎 1期初回1回目",
    "je_1i2": "日本脳炎 1期初回2回目",
    "je_1b": "日本脳炎 1期追加",
    "je_2": "日本脳炎 2期",
    **{f"hpv2_{i}": f"HPV(2価) {i}回目" for i in (1, 2, 3)},
    **{f"hpv4_{i}": f"HPV(4価) {i}回目" for i in (1, 2, 3)},
    **{f"hpv9_{i}": f"HPV(9価) {i}回目" for i in (1, 2, 3)},
    "rsv_maternal": "RSウイルス母子免疫",
    "rubella_5": "風しん第5期",
    "flu_elderly": "高齢者インフルエンザ",
    "covid_elderly": "高齢者新型コロナ",
    "ppv_elderly": "高齢者肺炎球菌",
    "hz_live": "帯状疱疹(生)",
    "hz_rzv_1": "帯状疱疹(組換え) 1回目",
    "hz_rzv_2": "帯状疱疹(組換え) 2回目",
}

# Doses given again every fiscal year: a second one in the same year conflicts, one in another year does not.
YEARLY_CODES = frozenset({"flu_elderly", "covid_elderly"})
# Doses that may recur (one per pregnancy): only an exact duplicate is a problem.
REPEATABLE_CODES = frozenset({"rsv_maternal"})


def rules_available() -> bool:
    return _HAVE


def dose_codes() -> list[str]:
    if _HAVE:
        return list(_schedule.dose_codes())
    return list(_FALLBACK_LABELS)


def dose_label(code: str) -> str:
    if _HAVE:
        try:
            return str(_schedule.dose_label(code))
        except (KeyError, ValueError):
            return code
    return _FALLBACK_LABELS.get(code, code)


def is_dose_code(code: str) -> bool:
    return code in set(dose_codes())


def sex_for_rules(sex: str) -> str:
    """The register and the schedule both use 1 (男) / 2 (女); accept M / F from other sources."""
    return {"M": "1", "F": "2"}.get(sex, sex)


def past_dose(code: str, given_on: datetime.date | None) -> Any:
    if _HAVE:
        return _schedule.PastDose(code=code, given_on=given_on)
    return (code, given_on)


def dose_problems(
    *,
    birth_date: datetime.date,
    sex: str,
    history: Iterable[tuple[str, datetime.date | None]],
    code: str,
    given_on: datetime.date | None,
) -> tuple[list[str], bool]:
    """(problems in Japanese, whether the rules were consulted). A dose of unknown date cannot be judged."""
    if not _HAVE or given_on is None:
        return [], False
    past = [past_dose(c, d) for c, d in history]  # a date-unknown dose still counts as given
    problems = _schedule.check_dose(
        birth_date=birth_date, sex=sex_for_rules(sex), history=past, code=code, given_on=given_on
    )
    return [str(p) for p in problems], True


def problems_with_past(
    *, birth_date: datetime.date, sex: str, past: list[Any], code: str, given_on: datetime.date
) -> list[str]:
    """`dose_problems` for callers that built the `PastDose` list themselves (the punch import, in bulk)."""
    if not _HAVE:
        return []
    return [
        str(p)
        for p in _schedule.check_dose(
            birth_date=birth_date, sex=sex_for_rules(sex), history=past, code=code, given_on=given_on
        )
    ]


def fiscal_year(d: datetime.date) -> int:
    return d.year if d.month >= 4 else d.year - 1
