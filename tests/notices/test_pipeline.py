"""A whole batch run in-process: print files read back page by page, manifest, cancel, re-runs."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest

from audit.models import AuditRecord
from core.origin import Origin
from notices import barcodes, pipeline, services
from notices.models import NoticeBatch, NoticeChunk, NoticeTarget, PrintFile
from notices.services import STORAGE
from notices.services.files import batch_folder
from tests.factories.notices import reminder_spec

from . import pdfread
from .conftest import dv_status, mailing_status

pytestmark = pytest.mark.django_db


def _batch(**kw) -> NoticeBatch:  # type: ignore[no-untyped-def]
    batch = services.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec(**kw))
    return services.batch_extract(batch_id=batch.pk)


def test_postcards_carry_the_right_person_and_barcode_on_the_right_page(elder, settings):
    settings.NOTICE_CHUNK_SIZE = 3
    people = [elder() for _ in range(5)]
    protected = elder(address="愛知県岡崎市明大寺町3丁目4番地5", postal_code="4440864")
    dv_status(protected)
    held = elder(address="愛知県岡崎市美合町1丁目2番地3", postal_code="4440802")
    dv_status(held, address="")
    relative = elder()
    mailing_status(relative)
    batch = pipeline.batch_run_inline(batch=_batch(), actor=None, origin=Origin.batch())

    assert batch.state == NoticeBatch.State.DONE
    assert batch.notices_done == 8
    assert batch.pages_done == 16
    files = list(PrintFile.objects.filter(batch=batch).order_by("chunk__no"))
    assert [f.held for f in files] == [False, False, False, True]  # 7 mailed (3+3+1), then the held file
    for t in NoticeTarget.objects.filter(batch=batch, excluded_reason="").select_related("print_file", "resident"):
        r = pdfread.reader(STORAGE.absolute(t.print_file.path).read_bytes())
        front = pdfread.page_text(r, t.first_page - 1)
        back = pdfread.page_text(r, t.first_page)
        assert t.resident.name.replace("　", "") in front.replace("　", "")
        assert "予防接種のおすすめ" in back
        assert "令和9年1月31日" in back  # the deadline in era dates
        found = pdfread.customer_barcodes(r, t.first_page - 1)
        if t.held:
            assert found == []
            assert "保留" in front
            assert "美合町" not in front  # never the registered address of a DV-protected person
        else:
            assert found == [barcodes.customer_barcode_symbols(t.mail_postal_code, t.mail_address, t.mail_katagaki)]
            assert found[0][:7] == list(t.mail_postal_code)
    prot = NoticeTarget.objects.get(batch=batch, resident=protected)
    prot_text = pdfread.page_text(
        pdfread.reader(STORAGE.absolute(prot.print_file.path).read_bytes()), prot.first_page - 1
    )
    assert "十王町" in prot_text
    assert "明大寺町" not in prot_text
    rel = NoticeTarget.objects.get(batch=batch, resident=relative)
    assert "欠町字清水田" in pdfread.page_text(
        pdfread.reader(STORAGE.absolute(rel.print_file.path).read_bytes()), rel.first_page - 1
    )
    assert {p.pk for p in people} <= set(NoticeTarget.objects.filter(batch=batch).values_list("resident", flat=True))


def test_manifest_lists_every_file_with_its_checksum(elder, settings):
    settings.NOTICE_CHUNK_SIZE = 2
    for _ in range(5):
        elder()
    batch = pipeline.batch_run_inline(batch=_batch(), actor=None, origin=Origin.batch())
    manifest = STORAGE.absolute(batch.manifest_path).read_bytes()
    assert hashlib.sha256(manifest).hexdigest() == batch.manifest_sha256
    rows = list(csv.DictReader(io.StringIO(manifest.decode())))
    assert len(rows) == 3
    for row in rows:
        data = (STORAGE.absolute(batch_folder(batch.batch_ref)) / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert len(pdfread.reader(data).pages) == int(row["pages"])
    zips = [row["postcode_from"] for row in rows]
    assert zips == sorted(zips)  # files follow postcode order
    assert str(STORAGE.absolute(batch.manifest_path)).startswith(str(settings.PRIVATE_STORAGE_ROOT))


def test_rerunning_a_done_chunk_changes_nothing(elder, settings):
    settings.NOTICE_CHUNK_SIZE = 2
    for _ in range(3):
        elder()
    batch = pipeline.batch_run_inline(batch=_batch(), actor=None, origin=Origin.batch())
    chunk = batch.chunks.first()
    rows = NoticeTarget.objects.filter(batch=batch).order_by("pk").values_list("pk", "print_file", "first_page")
    before = list(rows)
    assert services.chunk_render(chunk_id=chunk.pk) == "skipped"
    # even a chunk forced back to pending (a redelivered message after a lost ack) renders the same pages
    NoticeChunk.objects.filter(pk=chunk.pk).update(state="pending")
    NoticeBatch.objects.filter(pk=batch.pk).update(state="running")
    assert services.chunk_render(chunk_id=chunk.pk) == "done"
    assert list(rows.all()) == before
    assert PrintFile.objects.filter(batch=batch).count() == 2


def test_cancel_mid_batch_leaves_done_chunks_whole_and_the_rest_untouched(elder, settings):
    settings.NOTICE_CHUNK_SIZE = 2
    for _ in range(6):
        elder()
    batch = _batch()
    batch = services.batch_confirm(batch=batch, actor=None, origin=Origin.batch())
    first = batch.chunks.order_by("no").first()
    services.chunk_render(chunk_id=first.pk)
    services.batch_cancel(batch=batch, actor=None, origin=Origin.batch())
    for c in batch.chunks.exclude(pk=first.pk):
        assert services.chunk_render(chunk_id=c.pk) == "skipped"
    batch.refresh_from_db()
    assert batch.state == NoticeBatch.State.CANCELLED
    assert batch.notices_done == 2
    states = dict(batch.chunks.values_list("no", "state"))
    assert states == {1: "done", 2: "cancelled", 3: "cancelled"}
    printed = NoticeTarget.objects.filter(batch=batch, printed_at__isnull=False)
    assert printed.count() == 2
    assert all(t.print_file.chunk_id == first.pk for t in printed)
    assert sorted(p.name for p in STORAGE.absolute(batch_folder(batch.batch_ref)).iterdir()) == sorted(
        [f"{batch.batch_ref}-0001.pdf", f"{batch.batch_ref}-preview.pdf"]
    )


def test_every_printed_person_gets_one_print_access_record(elder):
    people = [elder() for _ in range(3)]
    pipeline.batch_run_inline(batch=_batch(), actor=None, origin=Origin.batch())
    for p in people:
        assert AuditRecord.objects.filter(event="print", subject_atena=p.atena_no).count() == 1


def test_preview_shows_the_first_pages_before_the_run(elder):
    for _ in range(5):
        elder()
    batch = _batch()
    data = STORAGE.absolute(services.preview_path(batch)).read_bytes()
    r = pdfread.reader(data)
    assert len(r.pages) == 6  # the first 3 postcards, both sides
    assert "見本" in pdfread.page_text(r, 1)
    assert not PrintFile.objects.filter(batch=batch).exists()
