"""住民記録 初期一括 (docs/formats/registry-initial.md): a new city's whole register with My Numbers, checked
whole here, then registered by residents' bulk-register service (residents.bulk.register_bulk: the lock, the
ids, the COPY of households, residents and encrypted My Numbers, the search keys and the register's access
record). The plain number exists only in the file and in this process's memory.

What stays here is the file: its format and line-numbered checks, and the registry cursors (this app's
table) that make later change events older than the snapshot stale. The run (FeedRun, with the file's
sha256, and its `import` record) and residents' `batch` record are the audit of the load.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.origin import Origin
from residents import mynumber as mn
from residents.bulk import BulkConflict, NewResident, copy_rows, register_bulk
from residents.models import Resident

from .envelope import MAX_ERRORS, FeedRejected, LineError, read_envelope

FORMAT = "JUKI_SHOKI"
COLUMNS = (
    "atena_no",
    "seq",
    "resident_type",
    "name",
    "name_kana",
    "alias_name",
    "alias_kana",
    "alpha_name",
    "sex",
    "birth_date",
    "household_no",
    "head_name",
    "relation1",
    "relation2",
    "relation3",
    "postal_code",
    "address",
    "katagaki",
    "town_code",
    "block_code",
    "school_district",
    "prev_address",
    "became_resident_on",
    "became_resident_reason",
    "mynumber",
)
NEEDED = ("name", "name_kana", "sex", "birth_date", "household_no", "address")


@dataclass
class Result:
    records: int = 0
    applied: int = 0
    unchanged: int = 0
    stale: int = 0
    mynumbers: int = 0
    households: int = 0
    file_id: str = ""
    notes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Checked:
    """The rows of a file that passed every check, in file order."""

    people: list[NewResident] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # 宛番号 -> line
    seqs: list[int] = field(default_factory=list)  # the snapshot's 連携通番, parallel to people
    households: dict[str, str] = field(default_factory=dict)  # 世帯番号 -> the first 世帯主名 given
    numbers: dict[str, str] = field(default_factory=dict)  # 宛番号 -> My Number


def _date(text: str) -> datetime.date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError(text)
    return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _check(rows: list[tuple[int, dict[str, str]]]) -> tuple[Checked, list[LineError]]:
    """Validate every row against the format (the register itself is checked by the service, under its lock)."""
    errors: list[LineError] = []
    out = Checked()
    number_seen: dict[str, int] = {}
    today = timezone.localdate()
    sexes, types = set(Resident.Sex.values), set(Resident.Type.values)
    for line, r in rows:
        if len(errors) >= MAX_ERRORS:
            break
        problems = []
        a = r["atena_no"]
        if not a.isdigit() or len(a) > 15:
            problems.append(f"宛番号 {a!r} が15桁以内の数字ではありません。")
        elif a in out.lines:
            problems.append(f"宛番号 {a} が重複しています({out.lines[a]}行目と同じ)。")
        else:
            out.lines[a] = line
        if not r["seq"].isdigit():
            problems.append(f"連携通番(seq) {r['seq']!r} が数字ではありません。")
        missing = [n for n in NEEDED if not r[n]]
        if missing:
            problems.append(f"必須の値がありません: {', '.join(missing)}")
        if r["sex"] and r["sex"] not in sexes:
            problems.append(f"性別コード {r['sex']!r} は定義されていません(1 男、2 女)。")
        if r["resident_type"] not in types:
            problems.append(f"住民種別コード {r['resident_type']!r} は定義されていません(1、2、9)。")
        if r["postal_code"] and not (len(r["postal_code"]) == 7 and r["postal_code"].isdigit()):
            problems.append(f"郵便番号 {r['postal_code']!r} が7桁の数字ではありません。")
        birth = became = None
        try:
            birth = _date(r["birth_date"]) if r["birth_date"] else None
        except ValueError:
            problems.append(f"生年月日 {r['birth_date']!r} が日付(YYYYMMDD)ではありません。")
        try:
            became = _date(r["became_resident_on"]) if r["became_resident_on"] else None
        except ValueError:
            problems.append(f"住民となった日 {r['became_resident_on']!r} が日付(YYYYMMDD)ではありません。")
        if birth and birth > today:
            problems.append(f"生年月日 {birth:%Y-%m-%d} が未来の日付です。")
        if birth and became and became < birth:
            problems.append(f"住民となった日 {became:%Y-%m-%d} が生年月日より前です。")
        number = r["mynumber"]
        if number:
            if not (len(number) == 12 and number.isdigit()) or mn.check_digit(number[:11]) != int(number[11]):
                problems.append("個人番号の形式または検査用数字が正しくありません。")  # never echo the number
            elif number in number_seen:
                problems.append(f"個人番号が重複しています({number_seen[number]}行目と同じ)。")
            else:
                number_seen[number] = line
        for p in problems:
            errors.append(LineError(line, p))
        if problems or errors:
            continue
        assert birth is not None  # required above
        out.people.append(
            NewResident(
                atena_no=a,
                household_no=r["household_no"],
                name=r["name"],
                name_kana=r["name_kana"],
                sex=r["sex"],
                birth_date=birth,
                resident_type=r["resident_type"],
                alias_name=r["alias_name"],
                alias_kana=r["alias_kana"],
                alpha_name=r["alpha_name"],
                relation1=r["relation1"],
                relation2=r["relation2"],
                relation3=r["relation3"],
                postal_code=r["postal_code"],
                address=r["address"],
                katagaki=r["katagaki"],
                town_code=r["town_code"],
                block_code=r["block_code"],
                school_district=r["school_district"],
                prev_address=r["prev_address"],
                became_resident_on=became,
                became_resident_reason=r["became_resident_reason"],
            )
        )
        out.seqs.append(int(r["seq"]))
        if not out.households.get(r["household_no"]):
            out.households[r["household_no"]] = r["head_name"]
        if number:
            out.numbers[a] = number
    return out, errors


def load(data: bytes, *, actor: Any, origin: Origin, dry_run: bool = False) -> Result:
    env = read_envelope(data, expected_format=FORMAT, allowed=COLUMNS, required=COLUMNS)
    checked, errors = _check(env.rows)
    if errors:
        raise FeedRejected(errors)
    result = Result(records=len(env.rows), file_id=env.file_id)
    with transaction.atomic():
        try:
            counts = register_bulk(
                households=checked.households,
                residents=checked.people,
                mynumbers=checked.numbers,
                actor=actor,
                origin=origin,
                dry_run=dry_run,
            )
        except BulkConflict as exc:
            raise FeedRejected(
                [LineError(checked.lines[c.atena_no], c.message) for c in exc.conflicts[:MAX_ERRORS]]
            ) from None
        result.applied = counts.residents
        result.mynumbers = counts.mynumbers
        if dry_run:
            return result
        with connection.cursor() as cur:
            copy_rows(
                cur,
                "integration_registrycursor",
                ("atena_no", "last_seq"),
                ((p.atena_no, seq) for p, seq in zip(checked.people, checked.seqs, strict=True)),
            )
    result.households = counts.households
    result.notes.append(
        {
            "line": None,
            "message": f"住民 {counts.residents:,} 人、世帯 {counts.households:,}、"
            f"個人番号 {counts.mynumbers:,} 件を登録しました。",
        }
    )
    return result
