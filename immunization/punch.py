"""The contractor's monthly punch file of returned vouchers (docs/formats/punch_vouchers.md): reading and
whole-file validation. Nothing here writes; `services.punch` stores a file only when this finds no error.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from residents.models import Resident

from .keyed import KEYED_FIELDS, Checked, Masters, birth_problem, check_values

ENCODING = "cp932"
HEADER = [label for _name, label in KEYED_FIELDS]
COLUMNS = [name for name, _label in KEYED_FIELDS]
MAX_LINES = 200_000
MAX_LISTED_ERRORS = 300


@dataclass
class ParsedFile:
    lines: list[tuple[int, Checked]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    total_errors: int = 0
    resident_ids: dict[str, int] = field(default_factory=dict)  # 宛番号 -> id, for those registered

    def error(self, line_no: int | None, message: str) -> None:
        self.total_errors += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(f"{line_no}行目: {message}" if line_no else message)

    @property
    def ok(self) -> bool:
        return self.total_errors == 0 and bool(self.lines)


def _decode(data: bytes, parsed: ParsedFile) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        parsed.error(None, "文字コードがUTF-8(BOM付き)です。CP932(Shift_JIS)で保存したファイルを取り込んでください。")
        return None
    if not data.strip():
        parsed.error(None, "ファイルが空です。")
        return None
    # CP932 Japanese is almost never valid UTF-8, and UTF-8 Japanese may decode as CP932 into mojibake:
    # a file that is valid UTF-8 with non-ASCII text is taken for what it is and refused with that reason.
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            parsed.error(None, "文字コードがUTF-8のようです。CP932(Shift_JIS)で保存したファイルを取り込んでください。")
            return None
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        parsed.error(line_no, "CP932(Shift_JIS)として読めない文字があります。文字コードを確かめてください。")
        return None
    return text


def parse(data: bytes, *, masters: Masters, today: datetime.date) -> ParsedFile:
    """Check every line; collect every error with its line number (the header is line 1)."""
    parsed = ParsedFile()
    text = _decode(data, parsed)
    if text is None:
        return parsed
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or [c.strip() for c in rows[0]] != HEADER:
        got = ",".join(rows[0]) if rows else ""
        parsed.error(1, f"見出し行が様式と違います。期待: {','.join(HEADER)} / 実際: {got[:120]}")
        return parsed
    if len(rows) - 1 > MAX_LINES:
        parsed.error(None, f"行数が上限({MAX_LINES:,}行)を超えています。月ごとに分けてください。")
        return parsed
    seen: dict[str, int] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # blank lines (often a trailing one) carry nothing
        if len(row) != len(COLUMNS):
            parsed.error(line_no, f"項目数が{len(row)}です({len(COLUMNS)}項目必要)。")
            continue
        checked = check_values(dict(zip(COLUMNS, row, strict=True)), masters=masters, today=today, strict_dates=True)
        if not row[COLUMNS.index("copayment_amount")].strip():
            checked.errors.setdefault("copayment_amount", "自己負担徴収額が空欄です(徴収なしは0)。")
        for name, msg in checked.errors.items():
            parsed.error(line_no, f"{dict(KEYED_FIELDS)[name]}: {msg}")
        if checked.voucher_no and not checked.errors.get("voucher_no"):
            if checked.voucher_no in seen:
                parsed.error(
                    line_no, f"接種券番号 {checked.voucher_no} が{seen[checked.voucher_no]}行目と重複しています。"
                )
            else:
                seen[checked.voucher_no] = line_no
        parsed.lines.append((line_no, checked))
    if not parsed.lines and not parsed.total_errors:
        parsed.error(None, "データ行がありません。")
    if parsed.total_errors == 0:
        _check_birth_dates(parsed)
    return parsed


def _check_birth_dates(parsed: ParsedFile) -> None:
    """A date before the person's birth is impossible (an unknown 宛番号 is reconciliation's business)."""
    atenas = list({c.atena_no for _n, c in parsed.lines})
    births = {}
    for atena, pk, birth in Resident.objects.filter(atena_no__in=atenas).values_list("atena_no", "id", "birth_date"):
        births[atena] = birth
        parsed.resident_ids[atena] = pk
    for line_no, checked in parsed.lines:
        birth = births.get(checked.atena_no)
        if birth is not None and (problem := birth_problem(checked.vaccinated_on, birth)):
            parsed.error(line_no, f"接種日: {problem}")


def render(rows: list[dict[str, str]]) -> bytes:
    """Write a punch file in the documented format (used by tests, the demo and the benchmark)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.get(name, "") for name in COLUMNS])
    return out.getvalue().encode(ENCODING)
