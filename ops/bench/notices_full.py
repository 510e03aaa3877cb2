"""`manage.py bench --full`: a real batch of at least 100,000 reminder postcards, end to end, with two Celery
worker processes — the figure `postcards_100k_min` measured rather than extrapolated (see ops/bench/notices.py).

The run is what staff do on the screen: create (a worker extracts and renders the preview), confirm, and wait
while the two workers print every chunk and the last one writes the manifest. Then every target is checked to
have exactly one page slot. The batch and its files are removed afterwards, so the next run finds nobody
"recently notified".
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from core.origin import Origin
from notices import pipeline, rendering, services
from notices.models import NoticeBatch, NoticeTarget, PrintFile
from notices.services import STORAGE
from notices.services.files import batch_folder
from ops import workers as worker_processes

POSTCARDS = 100_000
WORKERS = 2
PROGRESS_EVERY_S = 60


def run(stdout: Any) -> dict[str, float]:
    on = timezone.localdate()
    spec = _spec_reaching(POSTCARDS, on, stdout)
    queue = f"notices-bench-{os.getpid()}"
    settings.NOTICE_QUEUE = queue  # this process queues the batch's tasks where the bench workers listen
    env = worker_processes.environment(queue)
    log_dir = Path(tempfile.mkdtemp(prefix="notice-bench-"))
    workers = [
        worker_processes.start(env, log_dir / f"worker{i}.log", name=f"bench{i}", loglevel="WARNING")
        for i in range(1, WORKERS + 1)
    ]
    batch = None
    peak_kb = 0
    try:
        t0 = time.perf_counter()
        batch = pipeline.batch_create(actor=None, origin=Origin.command(), spec=spec, source="bench")
        batch, peak_kb = _wait(batch, {"extracting"}, workers, peak_kb, timeout=600)
        extract_s = time.perf_counter() - t0
        if batch.state != NoticeBatch.State.PREVIEW:
            raise RuntimeError(f"extraction ended in state {batch.state}: {batch.error}")
        stdout.write(f"  notices --full: {batch.targets:,} postcards extracted and previewed in {extract_s:.1f} s\n")
        pipeline.batch_confirm(batch=batch, actor=None, origin=Origin.command())
        batch, peak_kb = _wait(batch, {"queued", "running"}, workers, peak_kb, timeout=4 * 3600, stdout=stdout, t0=t0)
        total_s = time.perf_counter() - t0
        if batch.state != NoticeBatch.State.DONE:
            raise RuntimeError(f"batch ended in state {batch.state}: {batch.error} (logs in {log_dir})")
        _check_exactly_once(batch)
        per_100k_min = total_s / 60 * POSTCARDS / batch.targets
        stdout.write(
            f"  notices --full: {batch.targets:,} postcards, {batch.pages_done:,} pages in {total_s / 60:.1f} min "
            f"with {WORKERS} workers ({batch.pages_done / total_s:.1f} pages/s), worker peak RSS "
            f"{peak_kb / 1024:.0f} MB; every target has exactly one page slot\n"
        )
        return {
            "postcards_100k_min": round(per_100k_min, 1),
            "postcards_full_targets": batch.targets,
            "postcards_full_rss_mb": round(peak_kb / 1024, 1),
        }
    finally:
        for proc in workers:
            worker_processes.stop(proc)
        worker_processes.purge(queue)
        if batch is not None:
            discard(batch.pk)


def flu_reminder(on: datetime.date, *, age_from: int = 65) -> services.BatchSpec:
    """The bench's batch: reminder postcards to those aged `age_from` and over without this season's flu dose."""
    return services.BatchSpec(
        kind="reminder",
        vaccine_code="flu_elderly",
        dose_codes=["flu_elderly"],
        on=on,
        cohort="age",
        age_from=age_from,
        age_to=120,
        window_end=on + datetime.timedelta(days=90),
        notified_within_days=30,
    )


def _spec_reaching(postcards: int, on: datetime.date, stdout: Any) -> services.BatchSpec:
    """The over-65 flu reminder, its age window widened a year at a time until it reaches `postcards` people
    (the demo city of 400,000 has about 67,000 over-65s without this season's dose: too few on its own)."""
    for age_from in range(65, -1, -1):
        spec = flu_reminder(on, age_from=age_from)
        probe = services.batch_create(actor=None, origin=Origin.command(), spec=spec, source="bench")
        targets = services.batch_extract(batch_id=probe.pk, preview=False).targets
        discard(probe.pk)
        if targets >= postcards or age_from == 0:
            stdout.write(f"  notices --full: ages {age_from}–120 give {targets:,} postcards\n")
            return spec
    raise AssertionError("unreachable")


def _wait(
    batch: NoticeBatch,
    while_in: set[str],
    workers: list[subprocess.Popen],  # type: ignore[type-arg]
    peak_kb: int,
    *,
    timeout: float,
    stdout: Any = None,
    t0: float = 0.0,
) -> tuple[NoticeBatch, int]:
    """Poll the batch as the progress bar does; sample the workers' memory meanwhile."""
    deadline = time.monotonic() + timeout
    last_report = time.monotonic()
    while True:
        batch.refresh_from_db()
        peak_kb = max(peak_kb, *(worker_processes.peak_rss_kb(p) for p in workers))
        if batch.state not in while_in:
            return batch, peak_kb
        for proc in workers:
            if proc.poll() is not None:
                raise RuntimeError(f"a bench worker exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"batch still {batch.state} after {timeout:.0f} s")
        if stdout is not None and time.monotonic() - last_report > PROGRESS_EVERY_S:
            last_report = time.monotonic()
            done = PrintFile.objects.filter(batch=batch).aggregate(n=Sum("notices"))["n"] or 0
            minutes = (time.perf_counter() - t0) / 60
            stdout.write(f"  notices --full: {done:,}/{batch.targets:,} after {minutes:.1f} min\n")
        time.sleep(1.0)


def _check_exactly_once(batch: NoticeBatch) -> None:
    targets = NoticeTarget.objects.filter(batch=batch, excluded_reason="")
    unprinted = targets.filter(printed_at__isnull=True).count()
    slots = targets.order_by().values("print_file_id", "first_page").annotate(n=Count("id")).filter(n__gt=1).count()
    pages = PrintFile.objects.filter(batch=batch).aggregate(p=Sum("pages"))["p"] or 0
    expected = targets.count() * rendering.PAGES_PER_NOTICE[batch.kind]
    manifest = "present" if batch.manifest_path else "missing"
    if unprinted or slots or pages != expected or not batch.manifest_path:
        raise RuntimeError(
            f"batch not printed exactly once: {unprinted} unprinted, {slots} shared page slots, "
            f"{pages} pages in files for {expected} expected, manifest {manifest}"
        )


def discard(batch_id: int) -> None:
    """Remove a bench batch and its files."""
    batch = NoticeBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    folder = STORAGE.absolute(batch_folder(batch.batch_ref))
    batch.delete()
    shutil.rmtree(folder, ignore_errors=True)
