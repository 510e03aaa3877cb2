"""Bulk loading into the register's tables with PostgreSQL COPY (demo city, initial load from the registry)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psycopg.copy import QueuedLibpqWriter


def copy_rows(cur: Any, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """COPY rows into `table`; a queued writer sends data from a thread, so the server indexes while Python
    builds the next rows. `cur` is Django's cursor (its psycopg cursor is used: the debug wrapper's copy()
    takes no writer)."""
    raw = getattr(cur, "cursor", cur)
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN", writer=QueuedLibpqWriter(raw)) as copy:
        for row in rows:
            copy.write_row(row)
