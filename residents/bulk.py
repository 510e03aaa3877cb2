"""Bulk registration into the register with PostgreSQL COPY: a new city's whole register with its My Numbers
(the registry's initial load, integration/initial_load.py, 400,000 people in well under two minutes), and the
one COPY helper (`copy_rows`, which the demo city uses too).

`register_bulk` keeps every promise the register makes for such a load: one lock over the register's tables,
ids from their own sequences, households, search keys, My Numbers encrypted and blind-indexed by
`residents.mynumber` (the plain number exists only in the caller's memory), and one access record. Per-row
change-log entries are not written: that record and the caller's record of its run are the audit of the load.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from audit.models import Event
from audit.services import access_record
from core.origin import Origin

from . import mynumber as mn
from .models import MyNumber, Resident
from .services import search_keys

PURPOSE = "住民記録の一括登録"
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
MYNUMBER_COLUMNS = ("resident_id", "key_id", "ciphertext", "blind_index", "identity_check", "registered_at")


def copy_rows(cur: Any, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """COPY rows into `table`; a queued writer sends data from a thread, so the server indexes while Python
    builds the next rows. `cur` is Django's cursor (its psycopg cursor is used: the debug wrapper's copy()
    takes no writer)."""
    raw = getattr(cur, "cursor", cur)
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
        for row in rows:
            copy.write_row(row)


class NewResident(NamedTuple):
    """One person of a bulk registration, as the registry sends them (a tuple: 400,000 are held at once)."""

    atena_no: str
    household_no: str
    name: str
    name_kana: str
    sex: str
    birth_date: datetime.date
    resident_type: str = Resident.Type.JAPANESE
    alias_name: str = ""
    alias_kana: str = ""
    alpha_name: str = ""
    relation1: str = ""
    relation2: str = ""
    relation3: str = ""
    postal_code: str = ""
    address: str = ""
    katagaki: str = ""
    town_code: str = ""
    block_code: str = ""
    school_district: str = ""
    prev_address: str = ""
    became_resident_on: datetime.date | None = None
    became_resident_reason: str = ""


@dataclass(frozen=True)
class BulkCounts:
    residents: int
    households: int  # households created (those the register held already are reused)
    mynumbers: int


@dataclass(frozen=True)
class Conflict:
    atena_no: str
    message: str  # Japanese, for the caller's report; never contains a My Number


class BulkConflict(Exception):
    """Nothing was written: people or numbers collide with the register or with each other."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(f"{len(conflicts)} conflicts")
        self.conflicts = conflicts


def _is_number(number: str) -> bool:
    # Checked again although callers check their files: this is a door to the My Number table.
    if len(number) != 12 or not (number.isascii() and number.isdigit()):
        return False
    return mn.check_digit(number[:11]) == int(number[11])


def _conflicts(
    cur: Any, residents: Sequence[NewResident], mynumbers: Mapping[str, str]
) -> tuple[list[tuple[int, str, str]], list[Conflict]]:
    """(row index, number, blind index) of every number to store, and every collision found."""
    cur.execute("SELECT atena_no FROM residents_resident")
    taken = {a for (a,) in cur.fetchall()}
    cur.execute("SELECT blind_index FROM residents_mynumber")
    taken_idx = {b for (b,) in cur.fetchall()}
    seen: set[str] = set()
    seen_idx: set[str] = set()
    numbers: list[tuple[int, str, str]] = []
    conflicts: list[Conflict] = []
    for i, r in enumerate(residents):
        if r.atena_no in taken:
            conflicts.append(Conflict(r.atena_no, f"宛番号 {r.atena_no} は既に住民記録にあります。"))
        elif r.atena_no in seen:
            conflicts.append(Conflict(r.atena_no, f"宛番号 {r.atena_no} が重複しています。"))
            continue  # the same person again: their number was checked on their first row
        seen.add(r.atena_no)
        number = mynumbers.get(r.atena_no, "")
        if not number:
            continue
        if not _is_number(number):
            conflicts.append(Conflict(r.atena_no, "個人番号の形式または検査用数字が正しくありません。"))
            continue
        idx = mn.blind_index(number)
        if idx in taken_idx:
            conflicts.append(Conflict(r.atena_no, "この個人番号は既に別の住民に登録されています。"))
        elif idx in seen_idx:
            conflicts.append(Conflict(r.atena_no, "個人番号が重複しています。"))
        seen_idx.add(idx)
        numbers.append((i, number, idx))
    return numbers, conflicts


def _allocate(cur: Any, table: str, count: int) -> int:
    """Reserve `count` ids of the table's sequence; returns the first."""
    cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    seq = cur.fetchone()[0]
    cur.execute("SELECT nextval(%s)", [seq])
    first: int = cur.fetchone()[0]
    if count > 1:
        cur.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
    return first


def _resident_rows(
    residents: Sequence[NewResident], first_id: int, household_ids: Mapping[str, int], now: datetime.datetime
) -> Iterator[tuple]:
    for i, r in enumerate(residents):
        yield (
            first_id + i,
            r.atena_no,
            r.resident_type,
            Resident.Status.RESIDENT,
            r.name,
            r.name_kana,
            r.alias_name,
            r.alias_kana,
            r.alpha_name,
            r.sex,
            r.birth_date,
            household_ids[r.household_no],
            r.relation1,
            r.relation2,
            r.relation3,
            r.postal_code,
            r.address,
            r.katagaki,
            r.town_code,
            r.block_code,
            r.school_district,
            r.prev_address,
            "",
            r.became_resident_on,
            r.became_resident_reason,
            "",
            *search_keys(name=r.name, name_kana=r.name_kana, address=r.address),
            now,
            now,
        )


def register_bulk(
    *,
    households: Mapping[str, str],
    residents: Sequence[NewResident],
    mynumbers: Mapping[str, str],
    actor: Any,
    origin: Origin,
    identity_check: str = MyNumber.IdentityCheck.REGISTRY,
    dry_run: bool = False,
) -> BulkCounts:
    """Register many new people at once, with their households and My Numbers.

    `households` maps 世帯番号 -> 世帯主名 for every household the people belong to (one the register holds
    already keeps its head's name); `mynumbers` maps 宛番号 -> the plain My Number (12 digits) of those who
    have one. Raises BulkConflict, writing nothing, when a 宛番号 or a number is taken or repeated.
    `dry_run` checks everything under the lock and writes nothing.

    Runs inside the caller's transaction when there is one (the initial load records its run in the same
    transaction); the lock is held until that transaction ends."""
    with transaction.atomic(), connection.cursor() as cur:
        # Readers go on; other writers of the register wait until the load is committed.
        cur.execute(
            "LOCK TABLE residents_resident, residents_household, residents_mynumber IN SHARE ROW EXCLUSIVE MODE"
        )
        numbers, conflicts = _conflicts(cur, residents, mynumbers)
        if conflicts:
            raise BulkConflict(conflicts)
        cur.execute("SELECT household_no, id FROM residents_household")
        household_ids: dict[str, int] = dict(cur.fetchall())
        new_households = {no: head for no, head in households.items() if no not in household_ids}
        unknown = {r.household_no for r in residents} - household_ids.keys() - new_households.keys()
        if unknown:
            raise ValueError(f"世帯番号 {', '.join(sorted(unknown)[:5])} の世帯が households にありません。")
        counts = BulkCounts(residents=len(residents), households=len(new_households), mynumbers=len(numbers))
        if dry_run or not residents:
            return counts

        if new_households:
            first = _allocate(cur, "residents_household", len(new_households))
            rows = []
            for offset, (no, head) in enumerate(new_households.items()):
                household_ids[no] = first + offset
                rows.append((first + offset, no, head))
            copy_rows(cur, "residents_household", ("id", "household_no", "head_name"), rows)

        now = timezone.now()
        first_id = _allocate(cur, "residents_resident", len(residents))
        copy_rows(cur, "residents_resident", RESIDENT_COLUMNS, _resident_rows(residents, first_id, household_ids, now))
        key_id = mn.keyring().active_id
        copy_rows(
            cur,
            "residents_mynumber",
            MYNUMBER_COLUMNS,
            (
                (first_id + i, *mn.encrypt(number, key_id=key_id), idx, identity_check, now)
                for i, number, idx in numbers
            ),
        )
        access_record(
            event=Event.BATCH,
            actor=actor,
            origin=origin,
            purpose=PURPOSE,
            detail={"residents": counts.residents, "households": counts.households, "mynumbers": counts.mynumbers},
        )
        # The planner's statistics, as autovacuum would refresh them after a load this size.
        cur.execute("ANALYZE residents_resident; ANALYZE residents_mynumber; ANALYZE residents_household")
    return counts
