"""notices.pipeline: what is queued after which step (without a worker: the queue is recorded), and that the
tasks are registered under the names the pipeline queues."""

from __future__ import annotations

import pytest

from core.origin import Origin
from notices import pipeline, services, tasks
from notices.models import NoticeBatch, NoticeChunk
from tests.factories.notices import reminder_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The (task, args) the pipeline queues, in order."""
    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(pipeline, "_queue", lambda task, *args: sent.append((task, args)))
    return sent


def _confirmed(settings, queued, capture, **kw) -> NoticeBatch:  # type: ignore[no-untyped-def]
    settings.NOTICE_CHUNK_SIZE = 2
    created = services.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec(**kw))
    batch = services.batch_extract(batch_id=created.pk, preview=False)
    with capture(execute=True):
        batch = pipeline.batch_confirm(batch=batch, actor=None, origin=Origin.batch())
    return batch


def test_the_tasks_carry_the_names_the_pipeline_queues():
    assert tasks.batch_extract.name == pipeline.TASK_EXTRACT
    assert tasks.chunk_render.name == pipeline.TASK_RENDER
    assert tasks.batch_finish.name == pipeline.TASK_FINISH
    assert tasks.mynaportal_send.name == pipeline.TASK_MYNAPORTAL


def test_create_queues_the_extraction_after_commit(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = pipeline.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec())
    assert queued == []  # nothing before the commit: a worker would not find the row
    for callback in callbacks:
        callback()
    assert queued == [(pipeline.TASK_EXTRACT, (batch.pk,))]


def test_confirm_queues_every_chunk_and_the_last_chunk_queues_the_finish(
    elder, settings, queued, django_capture_on_commit_callbacks
):
    for _ in range(3):
        elder()
    batch = _confirmed(settings, queued, django_capture_on_commit_callbacks)
    chunk_ids = list(batch.chunks.order_by("no").values_list("pk", flat=True))
    assert queued == [(pipeline.TASK_RENDER, (cid,)) for cid in chunk_ids]
    assert not NoticeChunk.objects.filter(pk__in=chunk_ids, queued_at__isnull=True).exists()
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.chunk_render(chunk_ids[0]) == "done"
    assert queued == []  # a reminder (B class) sends no お知らせ, and one chunk is still to do
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.chunk_render(chunk_ids[1]) == "done"
    assert queued == [(pipeline.TASK_FINISH, (batch.pk,))]


def test_an_a_class_chunk_queues_its_mynaportal_notices(elder, settings, queued, django_capture_on_commit_callbacks):
    import datetime

    elder(birth_date=datetime.date(2021, 6, 1))
    batch = _confirmed(
        settings, queued, django_capture_on_commit_callbacks, kind="guide", vaccine_code="mr", dose_codes=["mr_2"],
        age_from=5, age_to=5,
    )  # fmt: skip
    assert batch.mynaportal
    [chunk_id] = batch.chunks.values_list("pk", flat=True)
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.chunk_render(chunk_id)
    assert queued == [(pipeline.TASK_MYNAPORTAL, (chunk_id,)), (pipeline.TASK_FINISH, (batch.pk,))]


def test_resume_queues_a_failed_chunk_again_and_finishes_when_nothing_is_left(
    elder, settings, queued, django_capture_on_commit_callbacks, staff_client
):
    from accounts import roles

    for _ in range(3):
        elder()
    batch = _confirmed(settings, queued, django_capture_on_commit_callbacks)
    first, second = batch.chunks.order_by("no").values_list("pk", flat=True)
    services.chunk_render(chunk_id=first)
    services.chunk_claim(chunk_id=second)
    services.chunk_fail(chunk_id=second, error="boom", final=True)
    assert NoticeBatch.objects.get(pk=batch.pk).state == NoticeBatch.State.FAILED
    _, clerk = staff_client(roles.CLERK)
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert pipeline.batch_resume(batch=batch, actor=clerk, origin=Origin()) == 1
    assert queued == [(pipeline.TASK_RENDER, (second,))]
    services.chunk_render(chunk_id=second)
    queued.clear()
    assert pipeline.batch_resume(batch=batch, actor=clerk, origin=Origin()) == 0
    assert queued == []
    assert NoticeBatch.objects.get(pk=batch.pk).state == NoticeBatch.State.DONE
