"""A real Celery worker process for tests about batches (the worker and kill tests, the browser flow)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings as dj_settings

ROOT = Path(dj_settings.BASE_DIR)


def worker_env(settings, *, lease_s: int = 300) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Environment for a worker on the test database, a private queue and the test's private storage; also
    points this process's settings at the same queue."""
    queue = f"notices-test-{os.getpid()}-{time.monotonic_ns()}"
    settings.NOTICE_QUEUE = queue
    db = dj_settings.DATABASES["default"]  # the test database: the worker must see what the test commits
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{host}/{db['NAME']}",
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "NOTICE_QUEUE": queue,
        "NOTICE_CHUNK_LEASE_S": str(lease_s),
        "NOTICE_PENDING_REQUEUE_S": str(lease_s),
        "PYTHONPATH": str(ROOT),
    }


def start(env: dict[str, str], log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    cmd = [
        sys.executable, "-m", "celery", "-A", "okazaki_vax", "worker", "-Q", env["NOTICE_QUEUE"],
        "-c", "1", "-P", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
    ]  # fmt: skip
    fh = open(log, "ab")  # noqa: SIM115 (kept open for the worker's life)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:  # type: ignore[type-arg]
    """Signal the worker's whole process group (main process and pool children)."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def purge(queue: str) -> None:
    from okazaki_vax.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
