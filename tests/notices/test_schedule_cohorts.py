"""Cohorts from the schedule's legal and standard windows, deadlines per person, and recurring batches."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.origin import Origin
from immunization import schedule
from notices import pipeline, schedules, services, tasks
from notices.models import NoticeBatch, NoticeTarget
from notices.services import STORAGE
from tests.factories.notices import reminder_spec

from . import pdfread
from .conftest import ON

pytestmark = pytest.mark.django_db


def test_mr2_guide_letters_reach_the_legal_cohort_with_each_deadline(elder):
    lo, hi = schedule.cohort_window("mr_2", ON)
    inside = elder(birth_date=lo)
    also = elder(birth_date=hi)
    too_young = elder(birth_date=hi + datetime.timedelta(days=1))
    spec = reminder_spec(kind="guide", vaccine_code="mr", dose_codes=["mr_2"], cohort="legal", window_end=None)
    batch = services.batch_extract(batch_id=services.batch_create(actor=None, origin=Origin.batch(), spec=spec).pk)
    ids = set(NoticeTarget.objects.filter(batch=batch).values_list("resident_id", flat=True))
    assert ids == {inside.pk, also.pk}
    assert too_young.pk not in ids
    batch = pipeline.batch_run_inline(batch=batch, actor=None, origin=Origin.batch())
    t = NoticeTarget.objects.get(batch=batch, resident=inside)
    r = pdfread.reader(STORAGE.absolute(t.print_file.path).read_bytes())
    letter = pdfread.page_text(r, t.first_page - 1)
    assert "MR(麻しん風しん)2期" in letter.replace(" ", "")
    assert "令和9年3月31日" in letter  # MR 2期 ends the March before primary school


def test_overdue_reminder_takes_those_past_the_standard_window():
    lo, hi = schedule.cohort_window("mr_1", ON)
    slo, _shi = schedule.standard_window("mr_1", ON)
    spec = reminder_spec(vaccine_code="mr", dose_codes=["mr_1"], cohort="overdue", window_end=None)
    batch = services.batch_create(actor=None, origin=Origin.batch(), spec=spec)
    from notices import extraction

    [rng] = extraction.cohort_ranges(batch)
    assert (rng.birth_from, rng.birth_to) == (lo, slo - datetime.timedelta(days=1))
    assert rng.birth_to < hi


def test_overdue_for_a_dose_whose_standard_window_is_the_legal_one_says_what_to_choose():
    from django.core.exceptions import ValidationError

    spec = reminder_spec(vaccine_code="mr", dose_codes=["mr_2"], cohort="overdue")
    with pytest.raises(ValidationError, match="法定接種期間内の人"):
        services.batch_create(actor=None, origin=Origin.batch(), spec=spec)


def test_default_schedules_exist_disabled_and_run_a_batch_that_waits_for_staff(elder):
    # made by migration 0002; made again here (idempotently) in case a transactional test flushed the tables
    schedules.ensure_defaults(PeriodicTask, CrontabSchedule)
    schedules.ensure_defaults(PeriodicTask, CrontabSchedule)
    assert PeriodicTask.objects.filter(task="notices.tasks.scheduled_batch").count() == len(schedules.DEFAULTS)
    names = set(PeriodicTask.objects.filter(task="notices.tasks.scheduled_batch").values_list("name", flat=True))
    assert "未接種勧奨はがき MR 2期(毎月1日)" in names
    assert not PeriodicTask.objects.filter(task="notices.tasks.scheduled_batch", enabled=True).exists()
    lo, _hi = schedule.cohort_window("mr_2", timezone.localdate())
    elder(birth_date=lo)
    task = PeriodicTask.objects.get(name="未接種勧奨はがき MR 2期(毎月1日)")
    ref = tasks.scheduled_batch.run(**json.loads(task.kwargs))
    batch = NoticeBatch.objects.get(batch_ref=ref)
    assert batch.origin == "schedule"
    assert batch.state == NoticeBatch.State.PREVIEW
    assert batch.targets == 1
    assert not batch.chunks.exists()  # staff confirm on the screen
