"""A real Celery worker process for tests about batches (the worker and kill tests, the browser flow)."""

from __future__ import annotations

import os
import time

from ops.workers import environment, purge, start, stop

__all__ = ["purge", "start", "stop", "wait_for", "worker_env"]


def worker_env(settings, *, lease_s: int = 300) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Environment for a worker on the test database, a private queue and the test's private storage; also
    points this process's settings at the same queue."""
    queue = f"notices-test-{os.getpid()}-{time.monotonic_ns()}"
    settings.NOTICE_QUEUE = queue
    return environment(queue, NOTICE_CHUNK_LEASE_S=str(lease_s), NOTICE_PENDING_REQUEUE_S=str(lease_s))


def wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
