"""Japanese era dates (和暦): formatting for screens and letters, and parsing what staff type."""

from __future__ import annotations

import datetime
import re
import unicodedata

ERAS: list[tuple[str, str, datetime.date]] = [  # (name, initial, first day), newest first
    ("令和", "R", datetime.date(2019, 5, 1)),
    ("平成", "H", datetime.date(1989, 1, 8)),
    ("昭和", "S", datetime.date(1926, 12, 25)),
    ("大正", "T", datetime.date(1912, 7, 30)),
    ("明治", "M", datetime.date(1868, 1, 25)),
]


def era_of(d: datetime.date) -> tuple[str, int]:
    for name, _initial, start in ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError("明治より前の日付は扱えません")


def format_wareki(d: datetime.date | None, *, short: bool = False) -> str:
    """2026-04-01 -> '令和8年4月1日' (short: 'R8.4.1'); the first year is written 元年."""
    if d is None:
        return ""
    name, year = era_of(d)
    if short:
        initial = next(i for n, i, _ in ERAS if n == name)
        return f"{initial}{year}.{d.month}.{d.day}"
    year_text = "元" if year == 1 else str(year)
    return f"{name}{year_text}年{d.month}月{d.day}日"


_ERA_BY_KEY = {n: s for n, _i, s in ERAS} | {i: s for _n, i, s in ERAS}
_WAREKI = re.compile(r"^(令和|平成|昭和|大正|明治|[RHSTM])(元|\d{1,2})[年.\-/](\d{1,2})[月.\-/](\d{1,2})日?$")
_SEIREKI = re.compile(r"^(\d{4})[年.\-/](\d{1,2})[月.\-/](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> datetime.date:
    """Accept '2020-04-01', '2020/4/1', '20200401', '令和2年4月1日', 'R2.4.1', 'h30/4/1'.

    Raises ValueError with a Japanese message for anything else (including 2月30日).
    """
    t = unicodedata.normalize("NFKC", text or "").strip().upper().replace(" ", "")
    if not t:
        raise ValueError("日付を入力してください。")
    try:
        if m := _WAREKI.match(t):
            start = _ERA_BY_KEY[m.group(1)]
            year = 1 if m.group(2) == "元" else int(m.group(2))
            d = datetime.date(start.year + year - 1, int(m.group(3)), int(m.group(4)))
            if d < start:
                raise ValueError(f"{m.group(1)}の期間外の日付です。")
            return d
        if m := _SEIREKI.match(t) or _COMPACT.match(t):
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        if "期間外" in str(exc):
            raise
        raise ValueError(f"存在しない日付です: {text}") from exc
    raise ValueError(f"日付の形式が正しくありません: {text}(例: 2020-04-01、令和2年4月1日、R2.4.1)")
