"""Move-in surveys: children who moved in during the period get a cover letter and a history form."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from core.origin import Origin
from notices import pipeline, services
from notices.models import NoticeBatch, NoticeTarget
from notices.services import STORAGE

from . import pdfread
from .conftest import ON

pytestmark = pytest.mark.django_db


def test_survey_goes_to_children_who_moved_in_within_the_period(elder):
    moved = elder(birth_date=datetime.date(2022, 5, 5), became_resident_on=ON - datetime.timedelta(days=20),
                  became_resident_reason="転入")  # fmt: skip
    born_here = elder(birth_date=datetime.date(2022, 6, 6), became_resident_on=datetime.date(2022, 6, 6),
                      became_resident_reason="出生")  # fmt: skip
    long_ago = elder(birth_date=datetime.date(2021, 1, 1), became_resident_on=ON - datetime.timedelta(days=400),
                     became_resident_reason="転入")  # fmt: skip
    adult = elder(became_resident_on=ON - datetime.timedelta(days=10), became_resident_reason="転入")
    spec = services.BatchSpec(kind="survey", vaccine_code="", dose_codes=[], on=ON, cohort="movein", age_from=0,
                              age_to=15, movein_from=ON - datetime.timedelta(days=60))  # fmt: skip
    batch = services.batch_extract(batch_id=services.batch_create(actor=None, origin=Origin.batch(), spec=spec).pk)
    ids = set(NoticeTarget.objects.filter(batch=batch).values_list("resident_id", flat=True))
    assert ids == {moved.pk}
    assert not ids & {born_here.pk, long_ago.pk, adult.pk}
    batch = pipeline.batch_run_inline(batch=batch, actor=None, origin=Origin.batch())
    t = NoticeTarget.objects.get(batch=batch)
    r = pdfread.reader(STORAGE.absolute(t.print_file.path).read_bytes())
    assert "保護者様" in pdfread.page_text(r, 0)
    form = pdfread.page_text(r, 1)
    assert "予防接種歴調査票" in form
    assert moved.atena_no in form


def test_command_line_preview_and_run(elder, capsys):
    for _ in range(3):
        elder()
    call_command("notice_batch", "--kind", "reminder", "--vaccine", "flu_elderly", "--on", "2026-11-01",
                 "--age-from", "65", "--deadline", "2027-01-31", "--preview")  # fmt: skip
    out = capsys.readouterr().out
    assert "対象 3 人" in out
    assert NoticeBatch.objects.get().state == "preview"
    call_command("notice_batch", "--kind", "reminder", "--vaccine", "flu_elderly", "--on", "2026-11-01",
                 "--age-from", "65", "--deadline", "2027-01-31", "--run")  # fmt: skip
    out = capsys.readouterr().out
    batch = NoticeBatch.objects.get(state="done")
    assert f"id={batch.pk}" in out
    assert "通知 3 件、6 ページ" in out
    assert "manifest:" in out
    assert str(STORAGE.absolute(batch.files.get().path)) in out


def test_command_line_fails_with_a_message_on_an_empty_cohort():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="対象者が0人"):
        call_command("notice_batch", "--kind", "reminder", "--vaccine", "flu_elderly", "--on", "2026-11-01",
                     "--age-from", "65", "--run")  # fmt: skip
    with pytest.raises(CommandError, match="接種ルールがありません"):
        call_command("notice_batch", "--kind", "guide", "--vaccine", "nosuch", "--on", "2026-11-01", "--preview")
