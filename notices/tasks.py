"""Celery tasks: thin wrappers that load by id and call the pipeline or a service. Idempotent (see services),
late-acked, and re-queued by the sweeper when a worker dies, so a killed worker loses nothing and repeats
nothing. The pipeline queues them by the names given here."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.origin import Origin

from . import pipeline, services
from .models import NoticeChunk


@shared_task(name=pipeline.TASK_EXTRACT, acks_late=True)
def batch_extract(batch_id: int) -> str:
    return services.batch_extract(batch_id=batch_id).state


@shared_task(name=pipeline.TASK_RENDER, bind=True, acks_late=True, max_retries=None)
def chunk_render(self: Any, chunk_id: int) -> str:
    try:
        return pipeline.chunk_render(chunk_id)
    except Exception as exc:
        attempts = NoticeChunk.objects.filter(pk=chunk_id).values_list("attempts", flat=True).first() or 0
        final = attempts >= settings.NOTICE_CHUNK_MAX_ATTEMPTS
        services.chunk_fail(chunk_id=chunk_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            raise
        raise self.retry(exc=exc, countdown=5 * attempts, queue=settings.NOTICE_QUEUE) from exc


@shared_task(name=pipeline.TASK_FINISH, acks_late=True)
def batch_finish(batch_id: int) -> str:
    return services.batch_finish(batch_id=batch_id).state


@shared_task(name=pipeline.TASK_MYNAPORTAL, acks_late=True, autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def mynaportal_send(chunk_id: int) -> dict[str, int]:
    return services.mynaportal_send(chunk_id=chunk_id)


@shared_task
def sweep() -> dict[str, int]:
    return pipeline.sweep()


@shared_task
def scheduled_batch(**spec: Any) -> str:
    """A recurring batch (django-celery-beat PeriodicTask kwargs): the reference date is the run day; the batch
    is extracted and left for staff to confirm unless the schedule says auto_run."""
    auto_run = bool(spec.pop("auto_run", False))
    offset = int(spec.pop("on_offset_days", 0))
    on = timezone.localdate() + datetime.timedelta(days=offset)
    movein_days = spec.pop("movein_days", None)
    if movein_days is not None:
        spec["movein_from"] = on - datetime.timedelta(days=int(movein_days))
    origin = Origin.batch()
    batch = services.batch_create(actor=None, origin=origin, spec=services.BatchSpec(on=on, **spec), source="schedule")
    batch = services.batch_extract(batch_id=batch.pk)
    if auto_run and batch.state == batch.State.PREVIEW:
        pipeline.batch_confirm(batch=batch, actor=None, origin=origin)
    return batch.batch_ref
