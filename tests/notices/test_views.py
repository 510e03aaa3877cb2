"""The screens: create → preview → confirm → progress → download; refusals; the resident page history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import roles
from audit.models import AuditRecord
from core.origin import Origin
from notices import pipeline, services
from notices.models import NoticeBatch, NoticeTarget
from notices.services import STORAGE
from tests.factories.notices import reminder_spec

from . import pdfread

pytestmark = pytest.mark.django_db


@pytest.fixture
def inline_queue(monkeypatch):
    """Run the queued extraction in-process for screen tests (the worker tests use a real worker); the chunks
    are rendered by the test itself."""

    def run(task, *args):  # type: ignore[no-untyped-def]
        if task == pipeline.TASK_EXTRACT:
            services.batch_extract(batch_id=args[0])

    monkeypatch.setattr(pipeline, "_queue", run)


FORM = {
    "kind": "reminder",
    "vaccine_code": "flu_elderly",
    "on": "R8.11.1",
    "cohort": "age",
    "age_from": "65",
    "age_to": "120",
    "window_end": "2027-01-31",
    "exclude_vaccinated": "on",
    "notified_within_days": "30",
}


def test_clerk_runs_a_reminder_batch_end_to_end(staff_client, elder, inline_queue, django_capture_on_commit_callbacks):
    people = [elder() for _ in range(3)]
    client, staff = staff_client(roles.CLERK)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("notices:new"), FORM)
    assert resp.status_code == 302
    batch = NoticeBatch.objects.get()
    page = client.get(resp["Location"]).content.decode()
    assert batch.batch_ref in client.get(reverse("home")).content.decode()  # waiting for confirmation
    assert "送付対象" in page
    assert "<b>3</b>" in page
    preview = client.get(reverse("notices:preview", args=[batch.pk]))
    assert preview["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notices:confirm", args=[batch.pk]))
    for chunk in batch.chunks.all():
        services.chunk_render(chunk_id=chunk.pk)
    services.batch_finish(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == "done"
    progress = client.get(reverse("notices:progress", args=[batch.pk])).content.decode()
    assert "hx-trigger" not in progress  # polling stops when the batch is done
    assert "3 / 3 件" in progress
    f = batch.files.get()
    resp = client.get(reverse("notices:file", args=[batch.pk, f.pk]))
    assert resp.status_code == 200
    assert len(pdfread.reader(resp.content).pages) == 6
    assert AuditRecord.objects.filter(event="export", actor=staff, object_pk=str(batch.pk)).exists()
    # the resident page lists the notice and links to exactly that person's pages
    target = NoticeTarget.objects.get(batch=batch, resident=people[1])
    detail = client.get(reverse("residents:detail", args=[people[1].pk])).content.decode()
    link = reverse("notices:target_pages", args=[target.pk])
    assert link in detail
    pages = client.get(link)
    r = pdfread.reader(pages.content)
    assert len(r.pages) == 2
    assert people[1].name.replace("　", "") in pdfread.page_text(r, 0).replace("　", "")
    assert AuditRecord.objects.filter(event="view", subject_atena=people[1].atena_no, actor=staff).exists()


def test_bad_input_gets_a_japanese_message_and_stores_nothing(staff_client, inline_queue):
    client, _ = staff_client(roles.CLERK)
    resp = client.post(reverse("notices:new"), {**FORM, "cohort": "legal", "vaccine_code": "nonexistent"})
    assert resp.status_code == 400
    assert "接種ルールがありません" in resp.content.decode()
    assert not NoticeBatch.objects.exists()
    resp = client.post(reverse("notices:new"), {**FORM, "on": "not a date"})
    assert resp.status_code == 400
    assert "日付を正しく入力" in resp.content.decode()


def test_refused_input_is_recorded_as_invalid(staff_client, inline_queue):
    client, staff = staff_client(roles.CLERK)
    client.post(reverse("notices:new"), {**FORM, "cohort": "legal", "vaccine_code": "nonexistent"})
    refusal = AuditRecord.objects.get(event="denied", actor=staff)
    assert refusal.outcome == "invalid"
    assert refusal.additional_data["refused"] == "batch_create"
    assert "接種ルールがありません" in refusal.additional_data["errors"][0]


def test_roles_without_the_right_are_refused(staff_client, elder, inline_queue):
    elder()
    created = services.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec())
    batch = pipeline.batch_run_inline(
        batch=services.batch_extract(batch_id=created.pk), actor=None, origin=Origin.batch()
    )
    f = batch.files.get()
    client, _ = staff_client(roles.ENTRY)
    for url in (
        reverse("notices:list"),
        reverse("notices:new"),
        reverse("notices:file", args=[batch.pk, f.pk]),
        reverse("notices:manifest", args=[batch.pk]),
        reverse("notices:target_pages", args=[NoticeTarget.objects.get(batch=batch).pk]),
    ):
        assert client.get(url).status_code == 403
    assert "通知バッチ" not in client.get(reverse("home")).content.decode()
    clerk, _ = staff_client(roles.CLERK)
    assert clerk.get(reverse("notices:file", args=[batch.pk, 999999])).status_code == 404


def test_tampered_print_file_is_not_served(staff_client, elder):
    elder()
    b = services.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec())
    batch = pipeline.batch_run_inline(batch=services.batch_extract(batch_id=b.pk), actor=None, origin=Origin.batch())
    f = batch.files.get()
    STORAGE.absolute(f.path).write_bytes(b"%PDF-1.7 replaced")
    client, _ = staff_client(roles.CLERK)
    assert client.get(reverse("notices:file", args=[batch.pk, f.pk])).status_code == 409
