"""Benchmark figures of the immunization app for `manage.py bench --json`.

`forecast_p95_ms`: a resident's full forecast — every dose of every routine vaccination — for a random
sample of the bench database's residents, each with the verified history the resident page uses
(`immunization.selectors.past_doses`). The figure times `forecast()` itself; the history read is one
indexed query, timed separately and written to the log line (on a loaded 2-core machine it is mostly
waiting for the CPU, not work).
"""

from __future__ import annotations

import datetime
import random
import time
from typing import Any

SAMPLE = 2000


def _past_doses_reader():  # type: ignore[no-untyped-def]
    try:
        from immunization.selectors import past_doses
    except ImportError:  # the records part not installed: empty histories (said on stdout)
        return None
    return past_doses


def forecast_timings(*, sample: int = SAMPLE, seed: int = 2026, on: datetime.date | None = None) -> dict[str, Any]:
    from django.utils import timezone

    from immunization.schedule import forecast
    from immunization.schedule.rules import get_rules
    from residents.models import Resident

    on = on or timezone.localdate()
    ids = list(Resident.objects.values_list("id", flat=True))
    rng = random.Random(seed)
    chosen = rng.sample(ids, min(sample, len(ids)))
    residents = list(Resident.objects.filter(id__in=chosen).only("id", "birth_date", "sex"))
    reader = _past_doses_reader()
    get_rules()  # the rule snapshot is loaded once per process, as in a web worker
    timings: list[float] = []
    reads: list[float] = []
    doses = 0
    for r in residents:
        t0 = time.perf_counter()
        history = list(reader(r)) if reader else []
        t1 = time.perf_counter()
        forecast(birth_date=r.birth_date, sex=r.sex, history=history, on=on)
        timings.append((time.perf_counter() - t1) * 1000)
        reads.append((t1 - t0) * 1000)
        doses += len(history)
    return {
        "residents": len(residents),
        "history_doses": doses,
        "history_source": "immunization.selectors.past_doses" if reader else "none (records part missing)",
        "p50_ms": _pct(timings, 50),
        "p95_ms": _pct(timings, 95),
        "max_ms": _pct(timings, 100),
        "read_p95_ms": _pct(reads, 95),
    }


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, int(len(ordered) * pct / 100) - 1))], 3)


def run(*, scale: int, stdout) -> dict[str, float]:  # type: ignore[no-untyped-def]
    result = forecast_timings()
    stdout.write(
        f"forecast: {result['residents']} residents, {result['history_doses']} past doses "
        f"({result['history_source']}); p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"max {result['max_ms']} ms; history read p95 {result['read_p95_ms']} ms\n"
    )
    return {"forecast_p95_ms": result["p95_ms"]}
