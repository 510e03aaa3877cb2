"""住民記録 初期一括 (docs/formats/registry-initial.md): a new city's whole register with My Numbers,
checked whole and written with PostgreSQL COPY (400,000 people in well under two minutes).

My Numbers are encrypted (residents.mynumber.encrypt) and blind-indexed on the way in; the plain
number exists only in the file and in this process's memory. The run (FeedRun, with the file's
sha256) and one access record are the audit of the load: per-row auditlog entries are not written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core.kana import address_key, normalize_kana, normalize_text
from residents import mynumber as mn
from residents.bulk import copy_rows
from residents.models import Resident

from .envelope import MAX_ERRORS, FeedRejected, LineError, read_envelope
from .models import FeedRun

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
RESIDENT_COLUMNS = (
    "id",
    "atena_no",
    "resident_type",
    "status",
    "name",
    "name_kana",
    "alias_name",
    "alias_kana",
    "alpha_name",
    "sex",
    "birth_date",
    "household_id",
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
    "next_address",
    "became_resident_on",
    "became_resident_reason",
    "ceased_reason",
    "kana_key",
    "given_kana_key",
    "name_key",
    "address_key",
    "created_at",
    "updated_at",
)


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


def _date(text: str) -> datetime.date:
    if len(text) != 8 or not text.isdigit():
        raise ValueError(text)
    return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _check(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[tuple], list[LineError]]:
    """Validate every row; returns (line, row, birth, became, number) tuples."""
    errors: list[LineError] = []
    out: list[tuple] = []
    atena_seen: dict[str, int] = {}
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
        elif a in atena_seen:
            problems.append(f"宛番号 {a} が重複しています({atena_seen[a]}行目と同じ)。")
        else:
            atena_seen[a] = line
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
        if not problems:
            out.append((line, r, birth, became, number))
    return out, errors


def _allocate(cur: Any, table: str, count: int) -> int:
    """Reserve `count` ids of the table's sequence; returns the first."""
    cur.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
    seq = cur.fetchone()[0]
    cur.execute("SELECT nextval(%s)", [seq])
    first = cur.fetchone()[0]
    if count > 1:
        cur.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
    return first


def load(data: bytes, *, run: FeedRun, dry_run: bool = False) -> Result:
    env = read_envelope(data, expected_format=FORMAT, allowed=COLUMNS, required=COLUMNS)
    checked, errors = _check(env.rows)
    if errors:
        raise FeedRejected(errors)
    result = Result(records=len(env.rows), file_id=env.file_id)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "LOCK TABLE residents_resident, residents_household, residents_mynumber IN SHARE ROW EXCLUSIVE MODE"
        )
        # The register may hold people already only if the file does not collide with them.
        cur.execute("SELECT atena_no FROM residents_resident")
        existing = {a for (a,) in cur.fetchall()}
        cur.execute("SELECT blind_index FROM residents_mynumber")
        existing_idx = {b for (b,) in cur.fetchall()}
        ring = mn.keyring()
        numbers: list[tuple[int, str, str]] = []  # (row index, number, blind index)
        for i, (line, r, *_rest) in enumerate(checked):
            if r["atena_no"] in existing:
                errors.append(LineError(line, f"宛番号 {r['atena_no']} は既に住民記録にあります。"))
            if r["mynumber"]:
                idx = mn.blind_index(r["mynumber"])
                if idx in existing_idx:
                    errors.append(LineError(line, "この個人番号は既に別の住民に登録されています。"))
                numbers.append((i, r["mynumber"], idx))
            if len(errors) >= MAX_ERRORS:
                break
        if errors:
            raise FeedRejected(errors)
        if dry_run:
            result.applied = len(checked)
            result.mynumbers = len(numbers)
            transaction.set_rollback(True)
            return result

        cur.execute("SELECT household_no, id FROM residents_household")
        households = dict(cur.fetchall())
        new_households: dict[str, str] = {}
        for _line, r, *_rest in checked:
            no = r["household_no"]
            if no not in households and not new_households.get(no):
                new_households[no] = r["head_name"]
        if new_households:
            first = _allocate(cur, "residents_household", len(new_households))
            hh_rows = []
            for offset, (no, head) in enumerate(new_households.items()):
                households[no] = first + offset
                hh_rows.append((first + offset, no, head))
            copy_rows(cur, "residents_household", ("id", "household_no", "head_name"), hh_rows)
        result.households = len(new_households)

        now = timezone.now()
        first_id = _allocate(cur, "residents_resident", len(checked))

        def resident_rows():  # type: ignore[no-untyped-def]
            for i, (_line, r, birth, became, _n) in enumerate(checked):
                kana = r["name_kana"]
                given = kana.replace("\u3000", " ").partition(" ")[2]
                yield (
                    first_id + i,
                    r["atena_no"],
                    r["resident_type"],
                    Resident.Status.RESIDENT,
                    r["name"],
                    kana,
                    r["alias_name"],
                    r["alias_kana"],
                    r["alpha_name"],
                    r["sex"],
                    birth,
                    households[r["household_no"]],
                    r["relation1"],
                    r["relation2"],
                    r["relation3"],
                    r["postal_code"],
                    r["address"],
                    r["katagaki"],
                    r["town_code"],
                    r["block_code"],
                    r["school_district"],
                    r["prev_address"],
                    "",
                    became,
                    r["became_resident_reason"],
                    "",
                    normalize_kana(kana),
                    normalize_kana(given),
                    normalize_text(r["name"]),
                    address_key(r["address"]),
                    now,
                    now,
                )

        copy_rows(cur, "residents_resident", RESIDENT_COLUMNS, resident_rows())

        def number_rows():  # type: ignore[no-untyped-def]
            for i, number, idx in numbers:
                key_id, ciphertext = mn.encrypt(number, key_id=ring.active_id)
                yield (first_id + i, key_id, ciphertext, idx, "registry", now)

        copy_rows(
            cur,
            "residents_mynumber",
            ("resident_id", "key_id", "ciphertext", "blind_index", "identity_check", "registered_at"),
            number_rows(),
        )
        copy_rows(
            cur,
            "integration_registrycursor",
            ("atena_no", "last_seq"),
            ((r["atena_no"], int(r["seq"])) for _line, r, *_rest in checked),
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE residents_resident; ANALYZE residents_mynumber; ANALYZE residents_household")
    result.applied = len(checked)
    result.mynumbers = len(numbers)
    result.notes.append(
        {
            "line": None,
            "message": f"住民 {len(checked):,} 人、世帯 {len(new_households):,}、"
            f"個人番号 {len(numbers):,} 件を登録しました。",
        }
    )
    return result
