"""A tiny key-value note kept inside the benchmark database (how and when it was seeded)."""

from __future__ import annotations

import json

from django.db import connection


def _ensure() -> None:
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS ops_bench_state (id int PRIMARY KEY, data jsonb NOT NULL)")


def bench_state_get() -> dict:
    _ensure()
    with connection.cursor() as cur:
        cur.execute("SELECT data FROM ops_bench_state WHERE id = 1")
        row = cur.fetchone()
    if not row:
        return {}
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def bench_state_set(data: dict) -> None:
    _ensure()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ops_bench_state (id, data) VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data",
            [json.dumps(data)],
        )
