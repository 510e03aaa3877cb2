"""Daily status feeds (docs/formats/status-feeds.md): resident tax, welfare, NHI, late-stage elderly,
long-term care, disability certificates, DV support and mailing addresses, each into the register's
status history (residents.ResidentStatus). Rows are only added: a changed period is a newer row, and
a row identical to the newest one held is not added again (a replayed file adds nothing).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.origin import Origin
from residents import registry
from residents.models import Resident

from .envelope import LineError, parse_date

Converted = tuple[str, str, int | None, datetime.date, datetime.date | None, dict[str, Any]]


class RowError(ValueError):
    pass


def _date(row: dict[str, str], name: str, label: str) -> datetime.date:
    text = row[name]
    try:
        return parse_date(text)
    except ValueError:
        raise RowError(f"{label}({name}) {text!r} が日付(YYYYMMDD)ではありません。") from None


def _date_or_none(row: dict[str, str], name: str, label: str) -> datetime.date | None:
    return _date(row, name, label) if row[name] else None


def _code(row: dict[str, str], name: str, label: str, table: dict[str, str]) -> str:
    value = row[name]
    if value not in table:
        known = "、".join(f"{k} {v}" for k, v in table.items())
        raise RowError(f"{label}コード {value!r} は定義されていません({known})。")
    return table[value]


def _period(start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise RowError(f"終了日 {end:%Y-%m-%d} が開始日 {start:%Y-%m-%d} より前です。")


TAX_CLASSES = {"1": "課税", "2": "非課税", "3": "未申告", "4": "均等割のみ課税"}
WELFARE_CLASSES = {"1": "受給中", "2": "停止", "3": "廃止"}
WELFARE_KINDS = {"1": "welfare", "2": "china_support"}
CARE_LEVELS = {
    "01": "非該当",
    "12": "要支援1",
    "13": "要支援2",
    "21": "要介護1",
    "22": "要介護2",
    "23": "要介護3",
    "24": "要介護4",
    "25": "要介護5",
}
CERTIFICATES = {"1": "身体", "2": "療育", "3": "精神"}
GRADES = {"身体": ("1", "2", "3", "4", "5", "6"), "療育": ("A", "B"), "精神": ("1", "2", "3")}
DV_TYPES = {"1": "支援対象"}
MAIL_ITEMS = {"0": "共通", "1": "住民税", "2": "国民健康保険", "3": "介護保険", "4": "後期高齢者医療"}


def _tax(row: dict[str, str]) -> Converted:
    fy = row["fiscal_year"]
    if not (fy.isdigit() and len(fy) == 4 and 2000 <= int(fy) <= 2100):
        raise RowError(f"年度 {fy!r} が西暦4桁ではありません。")
    year = int(fy)
    code = _code(row, "tax_class", "課税区分", TAX_CLASSES)
    if row["household_exempt"] not in ("0", "1"):
        raise RowError(f"世帯非課税フラグ {row['household_exempt']!r} は 0 または 1 です。")
    detail = {"household_exempt": row["household_exempt"] == "1"}
    return "tax", code, year, datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31), detail


def _welfare(row: dict[str, str]) -> Converted:
    kind = WELFARE_KINDS.get(row["benefit_type"])
    if kind is None:
        raise RowError(
            f"給付種別コード {row['benefit_type']!r} は定義されていません(1 生活保護、2 中国残留邦人等支援給付)。"
        )
    code = _code(row, "welfare_class", "保護状態", WELFARE_CLASSES)
    start = _date(row, "start_date", "開始日")
    end = _date_or_none(row, "end_date", "終了日")
    _period(start, end)
    return kind, code, None, start, end, {}


def _insurance(kind: str) -> Callable[[dict[str, str]], Converted]:
    def convert(row: dict[str, str]) -> Converted:
        number = row["insured_no"]
        if not (number.isdigit() and 6 <= len(number) <= 10):
            raise RowError(f"被保険者番号 {number!r} が6〜10桁の数字ではありません。")
        start = _date(row, "acquired_on", "資格取得日")
        end = _date_or_none(row, "lost_on", "資格喪失日")
        _period(start, end)
        return kind, "被保険者", None, start, end, {"insured_no": number}

    return convert


def _ltc(row: dict[str, str]) -> Converted:
    code = _code(row, "care_level", "要介護状態区分", CARE_LEVELS)
    start = _date(row, "cert_from", "認定有効期間の開始日")
    end = _date(row, "cert_to", "認定有効期間の終了日")
    _period(start, end)
    return "ltc", code, None, start, end, {}


def _disability(row: dict[str, str]) -> Converted:
    kind = _code(row, "certificate_type", "手帳種別", CERTIFICATES)
    grade = row["grade"]
    if grade not in GRADES[kind]:
        raise RowError(f"{kind}の等級 {grade!r} は定義されていません({'、'.join(GRADES[kind])})。")
    start = _date(row, "issued_on", "交付日")
    end = _date_or_none(row, "valid_to", "有効期限")
    _period(start, end)
    code = f"{kind}{grade}級" if kind != "療育" else f"療育{grade}"
    return "disability", code, None, start, end, {}


def _postal(row: dict[str, str], name: str) -> str:
    value = row[name].replace("-", "")
    if not (value.isdigit() and len(value) == 7):
        raise RowError(f"郵便番号({name}) {row[name]!r} が7桁の数字ではありません。")
    return value


def _dv(row: dict[str, str]) -> Converted:
    code = _code(row, "support_type", "支援措置区分", DV_TYPES)
    start = _date(row, "start_date", "支援開始日")
    end = _date_or_none(row, "end_date", "支援終了日")
    _period(start, end)
    if not row["mail_address"]:
        raise RowError("DV等支援対象者には送付先住所(mail_address)が必要です。")
    detail = {
        "label": "支援措置(住民票の写し等の交付制限)",
        "postal_code": _postal(row, "mail_postal_code"),
        "address": row["mail_address"],
    }
    return "dv", code, None, start, end, detail


def _mailing(row: dict[str, str]) -> Converted:
    item = _code(row, "mail_item", "送付先の税目", MAIL_ITEMS)
    start = _date(row, "valid_from", "開始日")
    end = _date_or_none(row, "valid_to", "終了日")
    _period(start, end)
    if not row["address"]:
        raise RowError("送付先住所(address)がありません。")
    detail = {
        "label": "共通送付先" if item == "共通" else f"送付先({item})",
        "postal_code": _postal(row, "postal_code"),
        "address": row["address"],
        "addressee": row["addressee"],
    }
    return "mailing", "送付先あり", None, start, end, detail


@dataclass(frozen=True)
class StatusFormat:
    source: str
    format: str
    name: str
    columns: tuple[str, ...]
    convert: Callable[[dict[str, str]], Converted]


STATUS_FORMATS: dict[str, StatusFormat] = {
    f.source: f
    for f in [
        StatusFormat(
            "tax", "ZEI_KAZEI", "住民税課税状況", ("atena_no", "fiscal_year", "tax_class", "household_exempt"), _tax
        ),
        StatusFormat(
            "welfare",
            "FUKUSHI_HOGO",
            "生活保護・支援給付",
            ("atena_no", "benefit_type", "welfare_class", "start_date", "end_date"),
            _welfare,
        ),
        StatusFormat(
            "nhi", "KOKUHO", "国民健康保険", ("atena_no", "insured_no", "acquired_on", "lost_on"), _insurance("nhi")
        ),
        StatusFormat(
            "late_elderly",
            "KOUKI",
            "後期高齢者医療",
            ("atena_no", "insured_no", "acquired_on", "lost_on"),
            _insurance("late_elderly"),
        ),
        StatusFormat("ltc", "KAIGO", "介護保険認定", ("atena_no", "care_level", "cert_from", "cert_to"), _ltc),
        StatusFormat(
            "disability",
            "SHOGAI_TECHO",
            "障害者手帳",
            ("atena_no", "certificate_type", "grade", "issued_on", "valid_to"),
            _disability,
        ),
        StatusFormat(
            "dv",
            "DV_SHIEN",
            "DV等支援措置",
            ("atena_no", "support_type", "start_date", "end_date", "mail_postal_code", "mail_address"),
            _dv,
        ),
        StatusFormat(
            "mailing",
            "SOUFUSAKI",
            "共通送付先",
            ("atena_no", "mail_item", "valid_from", "valid_to", "postal_code", "address", "addressee"),
            _mailing,
        ),
    ]
}


@dataclass
class Row:
    line: int
    atena_no: str
    kind: str
    code: str
    fiscal_year: int | None
    valid_from: datetime.date
    valid_to: datetime.date | None
    detail: dict[str, Any]


@dataclass
class Result:
    records: int = 0
    applied: int = 0
    unchanged: int = 0
    stale: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)


def plan(fmt: StatusFormat, rows: list[tuple[int, dict[str, str]]]) -> tuple[list[Row], list[LineError]]:
    errors: list[LineError] = []
    out: list[Row] = []
    for line, row in rows:
        try:
            kind, code, fy, start, end, detail = fmt.convert(row)
        except RowError as exc:
            errors.append(LineError(line, str(exc)))
            continue
        out.append(Row(line, row["atena_no"], kind, code, fy, start, end, detail))
    known = set(Resident.objects.filter(atena_no__in={r.atena_no for r in out}).values_list("atena_no", flat=True))
    first: dict[tuple, int] = {}
    for r in out:
        if r.atena_no not in known:
            errors.append(LineError(r.line, f"宛番号 {r.atena_no} の住民が住民記録にありません。"))
        key = (r.atena_no, r.kind, r.fiscal_year, r.valid_from)
        if key in first:
            errors.append(
                LineError(r.line, f"宛番号 {r.atena_no} の同じ期間のレコードが重複しています({first[key]}行目と同じ)。")
            )
        else:
            first[key] = r.line
    errors.sort(key=lambda e: e.line or 0)
    return (out if not errors else []), errors


def apply(rows: list[Row], *, source: str) -> Result:
    result = Result(records=len(rows))
    people = {r.atena_no: r for r in Resident.objects.filter(atena_no__in={r.atena_no for r in rows})}
    for r in rows:
        added = registry.status_add(
            resident=people[r.atena_no],
            kind=r.kind,
            code=r.code,
            fiscal_year=r.fiscal_year,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            detail=r.detail,
            source=f"feed:{source}",
            actor=None,
            origin=Origin.batch(),
        )
        if added is None:
            result.unchanged += 1
        else:
            result.applied += 1
            result.touched.add(r.atena_no)
    return result
