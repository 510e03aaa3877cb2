"""Real Celery worker processes on a private queue, for `bench --full` and the tests about batches (worker
killed mid-batch, the browser flow). A private queue keeps them apart from the office's own workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def environment(queue: str, **extra: str) -> dict[str, str]:
    """The environment of a worker on this process's database and private storage, listening on `queue`."""
    db = settings.DATABASES["default"]
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{host}/{db['NAME']}",
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "NOTICE_QUEUE": queue,
        "PYTHONPATH": str(settings.BASE_DIR),
        **extra,
    }


def start(env: dict[str, str], log: Path, *, name: str = "notices", loglevel: str = "INFO") -> subprocess.Popen:  # type: ignore[type-arg]
    """One worker with one pool process, in a process group of its own (so a signal reaches both)."""
    cmd = [
        sys.executable, "-m", "celery", "-A", "okazaki_vax", "worker", "-Q", env["NOTICE_QUEUE"], "-n", f"{name}@%h",
        "-c", "1", "-P", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", loglevel,
    ]  # fmt: skip
    fh = open(log, "ab")  # noqa: SIM115 (kept open for the worker's life)
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        cmd, cwd=settings.BASE_DIR, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:  # type: ignore[type-arg]
    """Signal the worker's whole process group (main process and pool child); SIGKILL if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def purge(queue: str) -> None:
    from okazaki_vax.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def peak_rss_kb(proc: subprocess.Popen) -> int:  # type: ignore[type-arg]
    """The largest peak resident set (VmHWM) among the worker's processes (main process and pool child)."""
    peak = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != proc.pid:
                continue
            with open(f"/proc/{entry.name}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except (OSError, ProcessLookupError):
            continue  # the process ended while we looked
    return peak
