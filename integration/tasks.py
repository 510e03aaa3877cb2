"""The scheduled feed job (Celery beat): every few minutes, each enabled source's inbox is scanned and
each file found is applied as one run, in file-name order (the platform names files by date).

Files are claimed by an atomic rename into `processing/` (compare-and-set on the file system), so two
workers never apply the same file; then moved to `done/` or `rejected/`. Re-applying a file is harmless
anyway: the feeds are idempotent.
"""

from __future__ import annotations

import os
from pathlib import Path

from celery import shared_task
from django.conf import settings

from core.origin import Origin

from .models import FeedRun, FeedSource
from .services import feed_import, sources_ensure


def inbox_of(source: FeedSource) -> Path:
    return Path(source.inbox) if source.inbox else Path(settings.INTEGRATION_INBOX) / source.code


def _claim(path: Path) -> Path | None:
    target = path.parent / "processing" / path.name
    target.parent.mkdir(exist_ok=True)
    try:
        os.rename(path, target)
    except FileNotFoundError:  # another worker took it
        return None
    return target


def poll_source(source: FeedSource) -> list[int]:
    inbox = inbox_of(source)
    if not inbox.is_dir():
        return []
    runs = []
    for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
        claimed = _claim(path)
        if claimed is None:
            continue
        run = feed_import(
            source_code=source.code,
            data=claimed.read_bytes(),
            filename=path.name,
            trigger=FeedRun.Trigger.SCHEDULE,
            actor=None,
            origin=Origin.batch(),
        )
        folder = inbox / ("rejected" if run.status == FeedRun.Status.FAILED else "done")
        folder.mkdir(exist_ok=True)
        os.replace(claimed, folder / f"{run.started_at:%Y%m%d%H%M%S}-{path.name}")
        runs.append(run.pk)
    return runs


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def feeds_poll() -> dict[str, list[int]]:
    """Apply whatever the linkage platform has delivered since the last poll."""
    sources_ensure()
    out = {}
    for source in FeedSource.objects.filter(enabled=True).exclude(kind=FeedSource.Kind.INITIAL).order_by("id"):
        runs = poll_source(source)
        if runs:
            out[source.code] = runs
    return out


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3700)
def copies_refresh() -> int:
    """Nightly: the 副本 of vaccination history registered for automatic answers to other bodies."""
    from .intermediate import copies_refresh_vaccination_history

    return copies_refresh_vaccination_history()


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3700)
def links_sync() -> int:
    """Nightly: number links for people whose My Number was registered since (counter, initial load)."""
    from .intermediate import links_sync as sync

    return sync()
