"""Rendering: a chunk of the frozen list becomes one print file, and the preview shows the first pages.

Crash safety: a chunk is claimed by compare-and-set with a lease, then rendered and recorded in ONE
transaction that also issues its vouchers; the print file is written under its final name by rename before
the commit and overwritten by a re-run. So a worker killed at any point leaves the chunk either wholly done
(vouchers, file, page numbers) or not done at all, and a re-run issues nothing twice (unique constraints on
vouchers, on one file per chunk and one page slot per target). What runs after a chunk is notices.pipeline's
business, not this module's.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record_bulk
from immunization.models import Voucher
from immunization.services import voucher_issue_bulk

from .. import hooks, rendering
from ..models import BatchKind, NoticeBatch, NoticeChunk, NoticeTarget, PrintFile
from .contexts import PURPOSE, common_context, notice_contexts
from .files import STORAGE, file_name, preview_path, print_file_path


def chunk_claim(*, chunk_id: int) -> bool:
    """Compare-and-set: only one worker gets a pending chunk (or one whose previous worker's lease ran out)."""
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.NOTICE_CHUNK_LEASE_S)
    claimed = (
        NoticeChunk.objects.filter(pk=chunk_id, batch__state__in=["queued", "running"])
        .filter(Q(state="pending") | Q(state="running", lease_until__lt=now))
        .update(state="running", lease_until=lease, started_at=now, attempts=F("attempts") + 1)
    )
    if claimed:
        NoticeBatch.objects.filter(chunks__pk=chunk_id, state="queued").update(state="running", started_at=now)
    return bool(claimed)


def chunk_render(*, chunk_id: int) -> str:
    """Claim, then render the chunk and record it in one transaction. Returns "done", "skipped" or "cancelled"."""
    if not chunk_claim(chunk_id=chunk_id):
        return "skipped"
    t0 = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cur:  # FOR KEY SHARE: a cancel (FOR UPDATE) waits for this chunk to commit
            cur.execute(
                "SELECT b.state FROM notices_noticebatch b JOIN notices_noticechunk c ON c.batch_id = b.id "
                "WHERE c.id = %s FOR KEY SHARE OF b",
                [chunk_id],
            )
            (state,) = cur.fetchone()
        # lock the chunk only: FOR UPDATE on the joined batch row would deadlock two workers that both hold
        # the batch FOR KEY SHARE (taken above so that a cancel waits for this chunk)
        chunk = NoticeChunk.objects.select_for_update(of=("self",)).select_related("batch").get(pk=chunk_id)
        if state not in ("queued", "running") or chunk.state != NoticeChunk.State.RUNNING:
            return "cancelled" if state == "cancelled" else "skipped"
        batch = chunk.batch
        targets = list(
            NoticeTarget.objects.filter(
                batch=batch, excluded_reason="", seq__gte=chunk.seq_from, seq__lte=chunk.seq_to
            ).order_by("seq")
        )
        vouchers = _issue_vouchers(batch=batch, targets=targets) if batch.kind == BatchKind.GUIDE else None
        contexts = notice_contexts(batch, targets, vouchers=vouchers)
        pdf, pages = rendering.render_pdf(batch.kind, contexts, common_context(batch))
        stored = STORAGE.write(print_file_path(batch, chunk), pdf)
        pf, _ = PrintFile.objects.update_or_create(
            chunk=chunk,
            defaults={
                "batch": batch,
                "path": stored.path,
                "pages": pages,
                "notices": len(targets),
                "sha256": stored.sha256,
                "size": stored.size,
                "postcode_from": targets[0].mail_postal_code if targets else "",
                "postcode_to": targets[-1].mail_postal_code if targets else "",
                "held": chunk.held,
            },
        )
        per = rendering.PAGES_PER_NOTICE[batch.kind]
        now = timezone.now()
        for i, t in enumerate(targets):
            t.print_file, t.first_page, t.page_count, t.printed_at = pf, i * per + 1, per, now
        NoticeTarget.objects.bulk_update(targets, ["print_file", "first_page", "page_count", "printed_at"])
        chunk.state = NoticeChunk.State.DONE
        chunk.finished_at = now
        chunk.lease_until = None
        chunk.seconds = time.perf_counter() - t0
        chunk.error = ""
        chunk.save()
        access_record_bulk(
            event=Event.PRINT,
            actor=batch.confirmed_by,
            subjects=[Subject(atena_no=t.atena_no, obj=t) for t in targets],
            purpose=PURPOSE,
            detail={"batch_ref": batch.batch_ref, "file": file_name(stored.path)},
        )
    return "done"


def chunk_fail(*, chunk_id: int, error: str, final: bool) -> None:
    """Record a failure; the task retries. After the last attempt the batch shows an error and can be resumed."""
    with transaction.atomic():
        NoticeChunk.objects.filter(pk=chunk_id, state="running").update(
            state="failed" if final else "pending", error=error[:2000], lease_until=None
        )
        batch = NoticeBatch.objects.select_for_update().get(chunks__pk=chunk_id)
        batch.errors_count += 1
        if final and batch.state in (NoticeBatch.State.QUEUED, NoticeBatch.State.RUNNING):
            batch.state = NoticeBatch.State.FAILED
            batch.error = f"印刷ファイルの作成に失敗しました(チャンク {chunk_id}): {error[:300]}"
        batch.save(update_fields=["errors_count", "state", "error"])


def chunks_mark_queued(*, chunk_ids: list[int]) -> None:
    """Note when a message was last sent for these chunks (the sweep re-sends one lost with its worker)."""
    NoticeChunk.objects.filter(pk__in=chunk_ids).update(queued_at=timezone.now())


def preview_render(*, batch: NoticeBatch) -> int:
    """The first pages of the frozen list with sample voucher numbers (no voucher is issued); stored with its
    checksum like every other file. Returns the page count."""
    targets = list(
        NoticeTarget.objects.filter(batch=batch, excluded_reason="").order_by("seq")[: settings.NOTICE_PREVIEW_NOTICES]
    )
    contexts = notice_contexts(batch, targets, vouchers=None)
    pdf, pages = rendering.render_pdf(batch.kind, contexts, common_context(batch, sample=True))
    stored = STORAGE.write(preview_path(batch), pdf)
    NoticeBatch.objects.filter(pk=batch.pk).update(preview_sha256=stored.sha256)
    batch.preview_sha256 = stored.sha256
    return pages


def _issue_vouchers(*, batch: NoticeBatch, targets: list[NoticeTarget]) -> dict[tuple[int, str], str]:
    """One voucher per target and missing dose, through immunization's idempotent bulk issue
    (unique (batch_ref, resident, dose_code)): a re-run gets the same vouchers back. B-class vouchers carry
    the co-payment class when billing has decided it."""
    ids = [t.resident_id for t in targets]
    code = batch.dose_codes[0] if batch.dose_codes else batch.vaccine_code
    copay = hooks.copayment_classes(ids, code, batch.on) if batch.vaccine_class == "B" and ids else {}
    items = [
        (
            t.resident_id,
            code,
            None if copay.get(t.resident_id) in (None, hooks.COPAYMENT_UNKNOWN) else copay[t.resident_id],
        )
        for t in targets
        for code in t.doses
    ]
    voucher_issue_bulk(items=items, issued_on=batch.on, batch_ref=batch.batch_ref, actor=batch.confirmed_by)
    rows = Voucher.objects.filter(batch_ref=batch.batch_ref, resident_id__in=ids).values_list(
        "resident_id", "dose_code", "number"
    )
    return {(rid, code): number for rid, code, number in rows}
