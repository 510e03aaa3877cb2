"""Small helpers for the apps' bench modules: percentiles, a logged-in test client, peak memory."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.test import Client


def p95_ms(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[-1] * 1000, 2)


def timed(calls: Iterable[Callable[[], Any]], *, warmup: int = 5) -> list[float]:
    calls = list(calls)
    for call in calls[:warmup]:
        call()
    out = []
    for call in calls:
        t0 = time.perf_counter()
        call()
        out.append(time.perf_counter() - t0)
    return out


def client_for(username: str) -> Client:
    from accounts.models import Staff

    client = Client(HTTP_HOST="localhost")
    client.force_login(Staff.objects.get(username=username), backend="accounts.backends.StaffBackend")
    return client


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
