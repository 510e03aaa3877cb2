"""Crash safety with a REAL Celery worker process on the real Redis: kill it with SIGKILL in the middle of a
batch, start another, and every target ends with exactly one voucher and one page; none missing, none doubled.
The Mynaportal simulator (integration) receives exactly one お知らせ per A-class target."""

from __future__ import annotations

import datetime
import signal
import time
from collections import Counter

import pytest

from core.origin import Origin
from immunization.models import Voucher
from integration.simulator import national
from notices import pipeline, services
from notices.models import NoticeBatch, NoticeChunk, NoticeTarget, PrintFile
from notices.services import STORAGE
from notices.services.files import batch_folder
from tests.factories.notices import reminder_spec
from tests.factories.residents import give_mynumber, valid_mynumber

from . import pdfread, workers

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(settings):
    settings.NOTICE_CHUNK_SIZE = 4
    env = workers.worker_env(settings, lease_s=3)
    yield env
    workers.purge(env["NOTICE_QUEUE"])


def test_worker_killed_mid_batch_then_restarted_issues_everything_exactly_once(elder, worker_env, tmp_path):
    children = [elder(birth_date=datetime.date(2021, 6, i % 28 + 1), name=f"岡崎　子{i}") for i in range(40)]
    for i, child in enumerate(children):
        give_mynumber(child, valid_mynumber(1000 + i))  # Mynaportal needs the person's number link
    spec = reminder_spec(kind="guide", vaccine_code="mr", dose_codes=["mr_2"], age_from=5, age_to=5)
    batch = services.batch_create(actor=None, origin=Origin.batch(), spec=spec)
    batch = services.batch_extract(batch_id=batch.pk)
    assert batch.targets == 40
    assert batch.vaccine_class == "A"
    batch = pipeline.batch_confirm(batch=batch, actor=None, origin=Origin.batch())  # 10 chunks queued on Redis
    assert batch.chunks_total == 10

    log = tmp_path / "worker.log"
    first = workers.start(worker_env, log)
    try:
        workers.wait_for(lambda: batch.chunks.filter(state="done").count() >= 2, 120, "two chunks done")
    finally:
        workers.stop(first, signal.SIGKILL)  # the whole worker, main process and child, with no chance to clean up
    done_at_kill = batch.chunks.filter(state="done").count()
    assert done_at_kill < 10, "the batch finished before the kill; the test proves nothing"

    second = workers.start(worker_env, log)
    try:
        time.sleep(3.5)  # the dead worker's lease and its lost messages' grace period run out
        from notices.tasks import sweep

        sweep.apply_async(queue=worker_env["NOTICE_QUEUE"])  # what beat does every minute
        workers.wait_for(lambda: NoticeBatch.objects.get(pk=batch.pk).state == "done", 180, "the batch to finish")
        workers.wait_for(
            lambda: len(national().received_notices(batch_ref=batch.batch_ref)) >= 40, 60, "Mynaportal notices"
        )
    finally:
        workers.stop(second)

    batch.refresh_from_db()
    assert batch.notices_done == 40
    assert batch.pages_done == 80
    assert set(batch.chunks.values_list("state", flat=True)) == {NoticeChunk.State.DONE}
    # exactly one voucher per target, none for anyone else
    per_person = Counter(Voucher.objects.filter(batch_ref=batch.batch_ref).values_list("resident_id", flat=True))
    assert per_person == Counter({c.pk: 1 for c in children})
    # exactly one page slot per target; every file holds what the database says, in order
    targets = list(NoticeTarget.objects.filter(batch=batch).select_related("print_file"))
    assert all(t.print_file_id and t.first_page for t in targets)
    assert len({(t.print_file_id, t.first_page) for t in targets}) == 40
    assert PrintFile.objects.filter(batch=batch).count() == 10
    for pf in PrintFile.objects.filter(batch=batch):
        r = pdfread.reader(STORAGE.absolute(pf.path).read_bytes())
        assert len(r.pages) == pf.pages == 8
        for t in (t for t in targets if t.print_file_id == pf.pk):
            v = Voucher.objects.get(batch_ref=batch.batch_ref, resident_id=t.resident_id)
            assert t.name.replace("　", "") in pdfread.page_text(r, t.first_page - 1).replace("　", "")
            assert pdfread.code128_values(r, t.first_page) == [v.number]
    # Mynaportal (integration's simulator of the intermediate server): exactly one お知らせ per A-class target
    received = national().received_notices(batch_ref=batch.batch_ref)
    assert sorted(n["atena_no"] for n in received) == sorted(c.atena_no for c in children)
    assert batch.target_rows.filter(mynaportal__status="delivered").count() == 40
    # no stray temporary or half files left in the batch folder
    names = {p.name for p in STORAGE.absolute(batch_folder(batch.batch_ref)).iterdir()}
    assert not [n for n in names if n.endswith(".tmp")]
