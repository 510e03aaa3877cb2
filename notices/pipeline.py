"""The notice pipeline: which step follows which, queued for a Celery worker or run in this process.

    create ─► extract (+ preview) ─► staff confirm ─► render each chunk ─┬─► Mynaportal お知らせ (A class)
                                                                       └─► finish (manifest) after the last
    resume (screen) and sweep (beat, every minute) ─► render again what a failed or dead worker left

Each service in notices.services does one step and returns; this module says what comes next, after the
step's transaction commits. The views and notices.tasks call it. It queues tasks by name (the TASK_* names
under which notices.tasks registers them), so it does not import the tasks: tasks → pipeline → services,
no circle. `batch_run_inline` runs the same steps one after another in this process (the notice_batch
command, tests).
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction

from core.origin import Origin

from . import services
from .models import NoticeBatch, NoticeChunk

TASK_EXTRACT = "notices.tasks.batch_extract"
TASK_RENDER = "notices.tasks.chunk_render"
TASK_FINISH = "notices.tasks.batch_finish"
TASK_MYNAPORTAL = "notices.tasks.mynaportal_send"


def _queue(task: str, *args: Any) -> None:
    current_app.send_task(task, args=list(args), queue=settings.NOTICE_QUEUE)


def _queue_chunks(chunk_ids: list[int]) -> None:
    services.chunks_mark_queued(chunk_ids=chunk_ids)
    for chunk_id in chunk_ids:
        _queue(TASK_RENDER, chunk_id)


def batch_create(*, actor: Any, origin: Origin, spec: services.BatchSpec, source: str = "screen") -> NoticeBatch:
    """Store the batch and have a worker extract it (and render its preview)."""
    batch = services.batch_create(actor=actor, origin=origin, spec=spec, source=source)
    transaction.on_commit(lambda: _queue(TASK_EXTRACT, batch.pk))
    return batch


def batch_confirm(*, batch: NoticeBatch, actor: Any, origin: Origin) -> NoticeBatch:
    """Freeze the list and queue every chunk."""
    batch = services.batch_confirm(batch=batch, actor=actor, origin=origin)
    chunk_ids = list(batch.chunks.order_by("no").values_list("pk", flat=True))
    transaction.on_commit(lambda: _queue_chunks(chunk_ids))
    return batch


def batch_resume(*, batch: NoticeBatch, actor: Any, origin: Origin) -> int:
    """Queue again what has not been done, or close the batch when nothing is left. Returns how many."""
    resumed = services.batch_resume(batch=batch, actor=actor, origin=origin)
    if resumed.pending:
        transaction.on_commit(lambda: _queue_chunks(resumed.pending))
    else:
        services.batch_finish(batch_id=batch.pk)
    return resumed.count


def chunk_render(chunk_id: int, *, inline: bool = False) -> str:
    """Render one chunk; once it is committed, send its お知らせ and close the batch after the last chunk."""
    result = services.chunk_render(chunk_id=chunk_id)
    if result == "done":
        transaction.on_commit(lambda: _after_chunk(chunk_id, inline=inline))
    return result


def _after_chunk(chunk_id: int, *, inline: bool) -> None:
    chunk = NoticeChunk.objects.select_related("batch").get(pk=chunk_id)
    batch = chunk.batch
    if batch.mynaportal:
        if inline:
            services.mynaportal_send(chunk_id=chunk_id)
        else:
            _queue(TASK_MYNAPORTAL, chunk_id)
    if not batch.chunks.exclude(state=NoticeChunk.State.DONE).exists():
        if inline:
            services.batch_finish(batch_id=batch.pk)
        else:
            _queue(TASK_FINISH, batch.pk)


def sweep() -> dict[str, int]:
    """Beat: queue again the chunks a dead worker left; the service closes batches already complete."""
    swept = services.sweep()
    if swept.requeue:
        _queue_chunks(swept.requeue)
    return {"requeued": len(swept.requeue), "finished": swept.finished}


def batch_run_inline(*, batch: NoticeBatch, actor: Any, origin: Origin) -> NoticeBatch:
    """Confirm and render every chunk in this process (manage.py notice_batch --run): the same steps as the
    workers run, nothing queued."""
    batch = services.batch_confirm(batch=batch, actor=actor, origin=origin)
    for chunk_id in batch.chunks.order_by("no").values_list("pk", flat=True):
        try:
            chunk_render(chunk_id, inline=True)
        except Exception as exc:
            services.chunk_fail(chunk_id=chunk_id, error=f"{type(exc).__name__}: {exc}", final=True)
            raise
    return services.batch_finish(batch_id=batch.pk)
