"""Benchmark figures of the immunization app for `manage.py bench --json`.

`forecast_p95_ms`: a resident's full forecast (every dose of every routine vaccination) for a random sample
of the bench database's residents, each with the verified history the resident page would use
(`immunization.selectors.past_doses`), timed per resident including that history read.
"""

from __future__ import annotations

import datetime
import random
import statistics
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
    doses = 0
    for r in residents:
        t0 = time.perf_counter()
        history = list(reader(r)) if reader else []
        forecast(birth_date=r.birth_date, sex=r.sex, history=history, on=on)
        timings.append((time.perf_counter() - t0) * 1000)
        doses += len(history)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)] if timings else 0.0
    return {
        "residents": len(residents),
        "history_doses": doses,
        "history_source": "immunization.selectors.past_doses" if reader else "none (records part missing)",
        "p50_ms": round(statistics.median(timings), 3) if timings else 0.0,
        "p95_ms": round(p95, 3),
        "max_ms": round(timings[-1], 3) if timings else 0.0,
    }


def run(*, scale: int, stdout) -> dict[str, float]:  # type: ignore[no-untyped-def]
    result = forecast_timings()
    stdout.write(
        f"forecast: {result['residents']} residents, {result['history_doses']} past doses "
        f"({result['history_source']}); p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"max {result['max_ms']} ms\n"
    )
    return {"forecast_p95_ms": result["p95_ms"]}
