"""Builders of linkage files in the formats of docs/formats/ (the sending systems' side)."""

from __future__ import annotations

import datetime
import itertools

from integration import initial_load, registry_feed, status_feed
from integration.envelope import write_envelope

_ids = itertools.count(1)
CREATED = datetime.datetime(2026, 11, 26, 6, 0, 0)  # noqa: DTZ001


def event(event_type: str, atena_no: str, seq: int, **fields: str) -> dict[str, str]:
    row = dict.fromkeys(registry_feed.COLUMNS, "")
    row.update(
        event_id=fields.pop("event_id", f"EV{seq:08d}-{atena_no}-{event_type}"),
        seq=str(seq),
        event_type=event_type,
        event_date=fields.pop("event_date", "20261120"),
        atena_no=atena_no,
    )
    row.update(fields)
    return row


def newborn(atena_no: str, seq: int, **fields: str) -> dict[str, str]:
    base = {
        "resident_type": "1",
        "name": "岡崎　陽菜",
        "name_kana": "オカザキ　ヒナ",
        "sex": "2",
        "birth_date": "20261101",
        "event_date": "20261101",
        "household_no": "880000001",
        "head_name": "岡崎　太郎",
        "relation1": "子",
        "postal_code": "4440052",
        "address": "愛知県岡崎市康生町1丁目1番地",
        "town_code": "0101",
    }
    base.update(fields)
    return event("10", atena_no, seq, **base)


def registry_file(
    events: list[dict[str, str]],
    *,
    encoding: str = "UTF-8",
    columns: list[str] | None = None,
    file_id: str | None = None,
    created: datetime.datetime = CREATED,
) -> bytes:
    columns = columns or list(registry_feed.COLUMNS)
    rows = [[e.get(c, "") for c in columns] for e in events]
    return write_envelope(
        fmt=registry_feed.FORMAT,
        columns=columns,
        rows=rows,
        encoding=encoding,
        file_id=file_id or f"R{next(_ids):06d}",
        created=created,
    )


def status_file(
    source: str,
    rows: list[dict[str, str]],
    *,
    encoding: str = "UTF-8",
    created: datetime.datetime = CREATED,
    columns: list[str] | None = None,
) -> bytes:
    fmt = status_feed.STATUS_FORMATS[source]
    columns = columns or list(fmt.columns)
    return write_envelope(
        fmt=fmt.format,
        columns=columns,
        rows=[[r.get(c, "") for c in columns] for r in rows],
        encoding=encoding,
        file_id=f"S{next(_ids):06d}",
        created=created,
    )


def initial_file(rows: list[dict[str, str]], *, encoding: str = "UTF-8") -> bytes:
    columns = list(initial_load.COLUMNS)
    return write_envelope(
        fmt=initial_load.FORMAT,
        columns=columns,
        rows=[[r.get(c, "") for c in columns] for r in rows],
        encoding=encoding,
        file_id=f"I{next(_ids):06d}",
        created=CREATED,
    )
