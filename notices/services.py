"""Every write of the notice business: create, extract, confirm, render chunks, finish, cancel, resume, send.

Crash safety: a chunk is claimed by compare-and-set with a lease, then rendered and recorded in ONE
transaction that also issues its vouchers; the print file is written under its final name by rename before
the commit and overwritten by a re-run. So a worker killed at any point leaves the chunk either wholly done
(vouchers, file, page numbers) or not done at all, and a re-run issues nothing twice (unique constraints on
vouchers, on (batch, resident) targets, on one file per chunk and one page slot per target).
"""

from __future__ import annotations

import contextvars
import csv
import datetime
import io
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record, access_record_bulk

from . import barcodes, extraction, hooks, rendering, rules, storage
from .models import (
    BatchKind,
    Cohort,
    MynaportalDelivery,
    NoticeBatch,
    NoticeChunk,
    NoticeTarget,
    PrintFile,
)

log = logging.getLogger(__name__)
# True while the command line runs a batch in its own process (no queue): follow-up steps run inline too.
INLINE: contextvars.ContextVar[bool] = contextvars.ContextVar("notices_inline", default=False)
PURPOSE = "予防接種の対象者への通知(案内・勧奨・調査)"
TITLES = {
    BatchKind.GUIDE: "定期予防接種のお知らせ",
    BatchKind.REMINDER: "予防接種のおすすめ（未接種のかたへ）",
    BatchKind.SURVEY: "予防接種歴の調査のお願い",
}
SURVEY_ROWS = [
    "B型肝炎",
    "ロタウイルス",
    "小児肺炎球菌",
    "5種混合・4種混合",
    "ヒブ",
    "BCG",
    "麻しん風しん(MR)",
    "水痘",
    "日本脳炎",
    "2種混合(DT)",
    "HPV",
]


# ---------------------------------------------------------------------------------------------
# Create and extract
# ---------------------------------------------------------------------------------------------


@dataclass
class BatchSpec:
    kind: str
    vaccine_code: str
    dose_codes: list[str]
    on: datetime.date
    cohort: str
    age_from: int | None = None
    age_to: int | None = None
    movein_from: datetime.date | None = None
    window_end: datetime.date | None = None
    exclude_vaccinated: bool = True
    notified_within_days: int | None = None
    mynaportal: bool = True


def batch_validate(spec: BatchSpec) -> None:
    """Bad input becomes one clear Japanese message; nothing is stored."""
    if spec.kind not in BatchKind.values:
        raise ValidationError("通知の種類が正しくありません。")
    if spec.kind != BatchKind.SURVEY and not spec.dose_codes:
        raise ValidationError("ワクチン(接種区分)を指定してください。")
    if len(spec.dose_codes) > 4:
        raise ValidationError("1つのバッチで扱える接種区分は4つまでです。")
    if spec.cohort not in Cohort.values:
        raise ValidationError("対象者の範囲が正しくありません。")
    if spec.cohort == Cohort.AGE and (spec.age_from is None or spec.age_to is None):
        raise ValidationError("年齢で指定する場合は、年齢(から・まで)を入力してください。")
    if spec.age_from is not None and spec.age_to is not None and spec.age_from > spec.age_to:
        raise ValidationError("年齢の範囲が逆になっています。")
    if spec.cohort == Cohort.MOVEIN and spec.movein_from is None:
        raise ValidationError("転入者を対象にする場合は、転入日(から)を入力してください。")
    if spec.movein_from and spec.movein_from > spec.on:
        raise ValidationError("転入日(から)が基準日より後になっています。")
    probe = NoticeBatch(
        kind=spec.kind,
        dose_codes=spec.dose_codes,
        on=spec.on,
        cohort=spec.cohort,
        age_from=spec.age_from,
        age_to=spec.age_to,
    )
    try:
        ranges = extraction.cohort_ranges(probe)
    except rules.RuleMissing as exc:
        raise ValidationError(str(exc)) from exc
    if not ranges:
        if spec.cohort == Cohort.OVERDUE:
            raise ValidationError(
                "この接種区分には標準的な接種期間を過ぎた人がいません(標準期間と法定期間が同じです)。"
                "「法定接種期間内の人」を選んでください。"
            )
        raise ValidationError("基準日に接種期間内の人がいない区分です(対象者が0人になります)。")


def _new_ref(on: datetime.date) -> str:
    import secrets

    return f"NB{on:%Y%m%d}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def batch_create(
    *, user: Any, spec: BatchSpec, origin: str = "screen", request: Any = None, enqueue: bool = True
) -> NoticeBatch:
    """Validate, store the batch definition and queue its extraction (a Celery job) after commit."""
    batch_validate(spec)
    vaccine_class = rules.vaccine_class(spec.dose_codes[0]) if spec.dose_codes else ""
    batch = NoticeBatch.objects.create(
        batch_ref=_new_ref(spec.on),
        kind=spec.kind,
        vaccine_code=spec.vaccine_code,
        vaccine_class=vaccine_class,
        dose_codes=spec.dose_codes,
        on=spec.on,
        cohort=spec.cohort,
        age_from=spec.age_from,
        age_to=spec.age_to,
        movein_from=spec.movein_from,
        window_end=spec.window_end,
        exclude_vaccinated=spec.exclude_vaccinated,
        notified_within_days=spec.notified_within_days,
        dv_policy=settings.NOTICE_DV_POLICY,
        mynaportal=spec.mynaportal and vaccine_class == "A" and spec.kind != BatchKind.SURVEY,
        state=NoticeBatch.State.EXTRACTING,
        origin=origin,
        created_by=user if getattr(user, "pk", None) else None,
    )
    access_record(
        event=Event.BATCH,
        actor=user if getattr(user, "pk", None) else None,
        request=request,
        subject=Subject(obj=batch),
        purpose=PURPOSE,
        detail={"action": "create", "batch_ref": batch.batch_ref, "kind": batch.kind, "doses": batch.dose_codes},
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue_extract(batch.pk))
    return batch


def _enqueue_extract(batch_id: int) -> None:
    from .tasks import batch_extract

    batch_extract.apply_async(args=[batch_id], queue=settings.NOTICE_QUEUE)


def batch_extract(*, batch_id: int, preview: bool = True) -> NoticeBatch:
    """Run the extraction (set-based SQL), count by exclusion reason, render the preview of the first pages."""
    started = time.perf_counter()
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state != NoticeBatch.State.EXTRACTING:
            return batch
        try:
            counts = extraction.extract(batch)
        except rules.RuleMissing as exc:
            counts, batch.error = {}, str(exc)
        batch.counts = counts
        batch.candidates = sum(v for k, v in counts.items() if k != "held")
        batch.targets = counts.get("", 0)
        batch.held = counts.get("held", 0)
        batch.extracted_at = timezone.now()
        batch.extract_seconds = time.perf_counter() - started
        if batch.error:
            batch.state = NoticeBatch.State.FAILED
        elif batch.targets == 0:
            # an empty cohort is not a batch: no half-made rows stay behind
            NoticeTarget.objects.filter(batch=batch).delete()
            batch.state = NoticeBatch.State.FAILED
            batch.error = (
                "対象者が0人のため実行できません。"
                + (f"(抽出 {batch.candidates:,} 人はすべて除外されました)" if batch.candidates else "")
                + "条件(基準日・年齢・接種区分)を確認してください。"
            )
        else:
            batch.state = NoticeBatch.State.PREVIEW
        batch.save()
    if preview and batch.state == NoticeBatch.State.PREVIEW:
        try:
            preview_render(batch=batch)
        except Exception as exc:  # the preview is a help, not a gate; the error is shown on the page
            log.exception("preview failed for %s", batch.batch_ref)
            NoticeBatch.objects.filter(pk=batch.pk).update(error=f"見本の作成に失敗しました: {exc}")
    return batch


def preview_path(batch: NoticeBatch) -> str:
    return str(storage.batch_dir(batch.batch_ref) / f"{batch.batch_ref}-preview.pdf")


def preview_render(*, batch: NoticeBatch) -> int:
    """The first pages of the frozen list with sample voucher numbers (no voucher is issued)."""
    targets = list(
        NoticeTarget.objects.filter(batch=batch, excluded_reason="").order_by("seq")[: settings.NOTICE_PREVIEW_NOTICES]
    )
    contexts = notice_contexts(batch, targets, vouchers=None)
    pdf, pages = rendering.render_pdf(batch.kind, contexts, common_context(batch, sample=True))
    storage.write_atomic(preview_path(batch), pdf)
    return pages


# ---------------------------------------------------------------------------------------------
# Confirm (freeze), cancel, resume
# ---------------------------------------------------------------------------------------------


class BatchStateError(ValidationError):
    pass


@transaction.atomic
def batch_confirm(*, batch: NoticeBatch, user: Any, request: Any = None) -> NoticeBatch:
    """Freeze the previewed list: cut it into chunks (held people in files of their own) and queue them."""
    batch = NoticeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != NoticeBatch.State.PREVIEW:
        raise BatchStateError("抽出結果の確認待ちのバッチだけを実行できます。")
    size = settings.NOTICE_CHUNK_SIZE
    rows = NoticeTarget.objects.filter(batch=batch, excluded_reason="")
    normal = rows.filter(held=False).order_by("seq").values_list("seq", flat=True)
    held = rows.filter(held=True).order_by("seq").values_list("seq", flat=True)
    chunks: list[NoticeChunk] = []
    for seqs, is_held in ((list(normal), False), (list(held), True)):
        for i in range(0, len(seqs), size):
            part = seqs[i : i + size]
            chunks.append(NoticeChunk(batch=batch, no=len(chunks) + 1, seq_from=part[0], seq_to=part[-1], held=is_held))
    NoticeChunk.objects.bulk_create(chunks)
    batch.state = NoticeBatch.State.QUEUED
    batch.chunks_total = len(chunks)
    batch.confirmed_by = user if getattr(user, "pk", None) else None
    batch.confirmed_at = timezone.now()
    batch.error = ""
    batch.save()
    access_record(
        event=Event.BATCH,
        actor=batch.confirmed_by,
        request=request,
        subject=Subject(obj=batch),
        purpose=PURPOSE,
        detail={"action": "confirm", "batch_ref": batch.batch_ref, "targets": batch.targets, "chunks": len(chunks)},
    )
    ids = [c.pk for c in chunks]
    transaction.on_commit(lambda: _enqueue_chunks(ids))
    return batch


def _enqueue_chunks(chunk_ids: list[int]) -> None:
    if INLINE.get():
        return  # the command line runs chunks itself
    from .tasks import chunk_render

    NoticeChunk.objects.filter(pk__in=chunk_ids).update(queued_at=timezone.now())
    for cid in chunk_ids:
        chunk_render.apply_async(args=[cid], queue=settings.NOTICE_QUEUE)


def batch_cancel(*, batch: NoticeBatch, user: Any, request: Any = None) -> NoticeBatch:
    """Stop a batch. FOR UPDATE waits for chunks being rendered (they hold FOR KEY SHARE) to commit, so every
    chunk ends either done (vouchers, file, pages) or cancelled (nothing issued)."""
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state in (NoticeBatch.State.DONE, NoticeBatch.State.CANCELLED):
            raise BatchStateError("完了または取消済みのバッチは取り消せません。")
        batch.chunks.filter(state__in=["pending", "running", "failed"]).update(
            state=NoticeChunk.State.CANCELLED, lease_until=None
        )
        batch.state = NoticeBatch.State.CANCELLED
        batch.cancelled_by = user if getattr(user, "pk", None) else None
        batch.cancelled_at = timezone.now()
        batch.finished_at = batch.cancelled_at
        _refresh_counters(batch)
        batch.save()
        access_record(
            event=Event.BATCH,
            actor=batch.cancelled_by,
            request=request,
            subject=Subject(obj=batch),
            purpose=PURPOSE,
            detail={"action": "cancel", "batch_ref": batch.batch_ref, "notices_done": batch.notices_done},
        )
    _remove_orphan_files(batch)
    return batch


def _remove_orphan_files(batch: NoticeBatch) -> None:
    """Files of chunks that never committed (a worker killed after writing) are not part of the batch."""
    known = set(batch.files.values_list("path", flat=True)) | {preview_path(batch), batch.manifest_path}
    folder = storage.absolute(storage.batch_dir(batch.batch_ref))
    if folder.exists():
        for path in folder.iterdir():
            rel = str(path.relative_to(storage.root().resolve()))
            if rel not in known:
                path.unlink(missing_ok=True)


def batch_resume(*, batch: NoticeBatch, user: Any = None, request: Any = None) -> int:
    """Queue again the chunks not done (failed, or claimed by a worker whose lease ran out). Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state not in (NoticeBatch.State.QUEUED, NoticeBatch.State.RUNNING, NoticeBatch.State.FAILED):
            return 0
        stale = batch.chunks.filter(
            Q(state=NoticeChunk.State.FAILED) | Q(state=NoticeChunk.State.RUNNING, lease_until__lt=now)
        )
        ids = list(stale.values_list("pk", flat=True))
        stale.update(state=NoticeChunk.State.PENDING, lease_until=None, attempts=0)
        pending = list(batch.chunks.filter(state=NoticeChunk.State.PENDING).values_list("pk", flat=True))
        if batch.state == NoticeBatch.State.FAILED and pending:
            batch.state = NoticeBatch.State.RUNNING
            batch.error = ""
            batch.save(update_fields=["state", "error"])
        if user is not None:
            access_record(
                event=Event.BATCH,
                actor=user,
                request=request,
                subject=Subject(obj=batch),
                purpose=PURPOSE,
                detail={"action": "resume", "batch_ref": batch.batch_ref, "chunks": len(pending)},
            )
        transaction.on_commit(lambda: _enqueue_chunks(pending))
    if not pending:
        batch_finish(batch_id=batch.pk)
    return len(ids) if ids else len(pending)


def sweep() -> dict[str, int]:
    """Periodic (beat): re-queue chunks a dead worker had claimed (lease run out) or whose message was lost with
    it (pending and queued longer ago than NOTICE_PENDING_REQUEUE_S); finish batches whose chunks are all done.
    A duplicate message is harmless: the claim is compare-and-set."""
    now = timezone.now()
    requeued = finished = 0
    pending_before = now - datetime.timedelta(seconds=settings.NOTICE_PENDING_REQUEUE_S)
    active = NoticeBatch.objects.filter(state__in=[NoticeBatch.State.QUEUED, NoticeBatch.State.RUNNING])
    for batch in active:
        stale = batch.chunks.filter(
            Q(state=NoticeChunk.State.RUNNING, lease_until__lt=now)
            | Q(state=NoticeChunk.State.PENDING, queued_at__lt=pending_before)
        )
        ids = list(stale.values_list("pk", flat=True))
        if ids:
            NoticeChunk.objects.filter(pk__in=ids, state=NoticeChunk.State.RUNNING, lease_until__lt=now).update(
                state=NoticeChunk.State.PENDING, lease_until=None
            )
            _enqueue_chunks(ids)
            requeued += len(ids)
        elif not batch.chunks.exclude(state=NoticeChunk.State.DONE).exists():
            batch_finish(batch_id=batch.pk)
            finished += 1
    return {"requeued": requeued, "finished": finished}


# ---------------------------------------------------------------------------------------------
# Chunks
# ---------------------------------------------------------------------------------------------


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
        vouchers = issue_vouchers(batch=batch, targets=targets) if batch.kind == BatchKind.GUIDE else None
        contexts = notice_contexts(batch, targets, vouchers=vouchers)
        pdf, pages = rendering.render_pdf(batch.kind, contexts, common_context(batch))
        name = f"{batch.batch_ref}-{'held-' if chunk.held else ''}{chunk.no:04d}.pdf"
        rel = str(storage.batch_dir(batch.batch_ref) / name)
        sha, size = storage.write_atomic(rel, pdf)
        pf, _ = PrintFile.objects.update_or_create(
            chunk=chunk,
            defaults={
                "batch": batch,
                "path": rel,
                "pages": pages,
                "notices": len(targets),
                "sha256": sha,
                "size": size,
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
            detail={"batch_ref": batch.batch_ref, "file": name},
        )
        transaction.on_commit(lambda: _after_chunk(batch.pk, chunk.pk))
    return "done"


def _after_chunk(batch_id: int, chunk_id: int) -> None:
    batch = NoticeBatch.objects.get(pk=batch_id)
    if batch.mynaportal:
        if INLINE.get():
            mynaportal_send(chunk_id=chunk_id)
        else:
            from .tasks import mynaportal_send as task

            task.apply_async(args=[chunk_id], queue=settings.NOTICE_QUEUE)
    if not batch.chunks.exclude(state=NoticeChunk.State.DONE).exists():
        if INLINE.get():
            batch_finish(batch_id=batch_id)
        else:
            from .tasks import batch_finish as task

            task.apply_async(args=[batch_id], queue=settings.NOTICE_QUEUE)


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


def _refresh_counters(batch: NoticeBatch) -> None:
    agg = PrintFile.objects.filter(batch=batch).aggregate(n=Sum("notices"), p=Sum("pages"))
    batch.notices_done = agg["n"] or 0
    batch.pages_done = agg["p"] or 0
    batch.chunks_done = batch.chunks.filter(state=NoticeChunk.State.DONE).count()


def batch_finish(*, batch_id: int) -> NoticeBatch:
    """When every chunk is done: write the CSV manifest (files, pages, postcodes, SHA-256) and close the batch."""
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state not in (NoticeBatch.State.QUEUED, NoticeBatch.State.RUNNING):
            return batch
        if batch.chunks.exclude(state=NoticeChunk.State.DONE).exists():
            return batch
        files = list(batch.files.order_by("chunk__no"))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(["file", "pages", "notices", "postcode_from", "postcode_to", "held", "bytes", "sha256"])
        for f in files:
            name = f.path.rsplit("/", 1)[-1]
            row = [name, f.pages, f.notices, f.postcode_from, f.postcode_to, int(f.held), f.size, f.sha256]
            w.writerow(row)
        rel = str(storage.batch_dir(batch.batch_ref) / f"{batch.batch_ref}-manifest.csv")
        sha, _ = storage.write_atomic(rel, buf.getvalue().encode("utf-8"))
        batch.manifest_path, batch.manifest_sha256 = rel, sha
        _refresh_counters(batch)
        batch.state = NoticeBatch.State.DONE
        batch.finished_at = timezone.now()
        batch.save()
    return batch


# ---------------------------------------------------------------------------------------------
# Vouchers and print contexts
# ---------------------------------------------------------------------------------------------


class VoucherServiceMissing(RuntimeError):
    pass


def issue_vouchers(*, batch: NoticeBatch, targets: list[NoticeTarget]) -> dict[tuple[int, str], str]:
    """One voucher per target and missing dose, through immunization's idempotent bulk issue
    (unique (batch_ref, resident, dose_code)): a re-run gets the same vouchers back. B-class vouchers carry
    the co-payment class when billing has decided it."""
    try:
        from immunization.models import Voucher
        from immunization.services import voucher_issue_bulk
    except ImportError as exc:
        raise VoucherServiceMissing("接種券の発行機能(immunization)がありません。") from exc
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


def common_context(batch: NoticeBatch, *, sample: bool = False) -> dict[str, Any]:
    sender = settings.NOTICE_SENDER
    labels = [rules.dose_label(c) for c in batch.dose_codes]
    return {
        "title": TITLES[batch.kind] + ("（見本）" if sample else ""),
        "on": batch.on,
        "issued_on": batch.on,
        "batch_ref": batch.batch_ref,
        "vaccine_label": "・".join(labels),
        "sender_name": sender["name"],
        "sender_address": sender["address"],
        "sender_tel": sender["tel"],
        "clinic_list_url": settings.NOTICE_CLINIC_LIST_URL,
        "qr_svg": barcodes.qr_svg(settings.NOTICE_CLINIC_LIST_URL),
        "survey_rows": SURVEY_ROWS,
    }


def notice_contexts(
    batch: NoticeBatch, targets: list[NoticeTarget], *, vouchers: dict[tuple[int, str], str] | None
) -> list[dict[str, Any]]:
    is_b = batch.vaccine_class == "B"
    code = batch.dose_codes[0] if batch.dose_codes else batch.vaccine_code
    copay = hooks.copayment_classes([t.resident_id for t in targets], code, batch.on) if is_b and targets else {}
    labels = {c: rules.dose_label(c) for c in batch.dose_codes}
    out = []
    for t in targets:
        doses = []
        for code in t.doses:
            number = vouchers.get((t.resident_id, code), "") if vouchers is not None else "000000000000"
            doses.append(
                {
                    "code": code,
                    "label": labels.get(code, code),
                    "window_end": rules.deadline(code, t.birth_date, batch.window_end, batch.on),
                    "voucher_no": number,
                    "voucher_svg": barcodes.code128_svg(number) if number else "",
                    "copay": copay.get(t.resident_id, "") if is_b else "無料(定期接種A類)",
                    "is_b": is_b,
                }
            )
        symbols = (
            None if t.held else barcodes.customer_barcode_symbols(t.mail_postal_code, t.mail_address, t.mail_katagaki)
        )
        z = t.mail_postal_code
        out.append(
            {
                "seq": t.seq,
                "atena_no": t.atena_no,
                "name": t.name,
                "name_kana": t.name_kana,
                "birth_date": t.birth_date,
                "became_resident_on": t.became_resident_on,
                "postal_display": f"{z[:3]}-{z[3:]}" if len(z) == 7 else z,
                "address": t.mail_address,
                "katagaki": t.mail_katagaki,
                "held": t.held,
                "cb_svg": barcodes.customer_barcode_svg(symbols) if symbols else "",
                "doses": doses,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# Mynaportal お知らせ (A-class)
# ---------------------------------------------------------------------------------------------


def mynaportal_send(*, chunk_id: int) -> dict[str, int]:
    """One お知らせ per printed target of the chunk; notice ids are deterministic, so a re-run sends only what
    has no delivered status yet."""
    from core.adapters import get_adapter

    chunk = NoticeChunk.objects.select_related("batch").get(pk=chunk_id)
    batch = chunk.batch
    targets = list(
        NoticeTarget.objects.filter(
            batch=batch, excluded_reason="", seq__gte=chunk.seq_from, seq__lte=chunk.seq_to, printed_at__isnull=False
        )
    )
    MynaportalDelivery.objects.bulk_create(
        [MynaportalDelivery(target=t, notice_id=f"{batch.batch_ref}-{t.seq:06d}") for t in targets],
        ignore_conflicts=True,
    )
    todo = list(
        MynaportalDelivery.objects.filter(target__in=targets)
        .exclude(status=MynaportalDelivery.Status.DELIVERED)
        .select_related("target")
    )
    if not todo:
        return {"delivered": 0, "failed": 0}
    title = TITLES[batch.kind]
    labels = "・".join(rules.dose_label(c) for c in batch.dose_codes)
    payload = [
        {
            "notice_id": d.notice_id,
            "atena_no": d.target.atena_no,
            "title": title,
            "body": f"{labels}の予防接種のお知らせを郵送しました。対象期間内に協力医療機関で接種を受けてください。",
            "batch_ref": batch.batch_ref,
        }
        for d in todo
    ]
    try:
        results = {r["notice_id"]: r for r in get_adapter("MYNAPORTAL_NOTICE")(payload)}
    except Exception as exc:  # the boundary is down: every notice stays retryable
        log.warning("mynaportal adapter failed: %s", exc)
        results = {d.notice_id: {"status": "failed", "message": f"送信できません: {exc}"[:200]} for d in todo}
    now = timezone.now()
    counts = {"delivered": 0, "failed": 0}
    for d in todo:
        r = results.get(d.notice_id, {"status": "failed", "message": "応答なし"})
        d.status = "delivered" if r.get("status") == "delivered" else "failed"
        d.message = str(r.get("message", ""))[:200]
        d.attempts += 1
        d.sent_at = now
        counts[d.status] += 1
    MynaportalDelivery.objects.bulk_update(todo, ["status", "message", "attempts", "sent_at"])
    return counts


# ---------------------------------------------------------------------------------------------
# Reading print files (audited)
# ---------------------------------------------------------------------------------------------


def printfile_read(*, user: Any, request: Any, file: PrintFile) -> bytes:
    data = storage.read_verified(file.path, file.sha256)
    access_record(
        event=Event.EXPORT,
        actor=user,
        request=request,
        subject=Subject(obj=file.batch),
        purpose=PURPOSE,
        detail={
            "file": file.path.rsplit("/", 1)[-1],
            "pages": file.pages,
            "notices": file.notices,
            "sha256": file.sha256,
        },
    )
    return data


def manifest_read(*, user: Any, request: Any, batch: NoticeBatch) -> bytes:
    data = storage.read_verified(batch.manifest_path, batch.manifest_sha256)
    access_record(
        event=Event.EXPORT,
        actor=user,
        request=request,
        subject=Subject(obj=batch),
        purpose=PURPOSE,
        detail={"file": batch.manifest_path.rsplit("/", 1)[-1]},
    )
    return data


def preview_read(*, user: Any, request: Any, batch: NoticeBatch) -> bytes:
    data = storage.absolute(preview_path(batch)).read_bytes()
    access_record(
        event=Event.PRINT,
        actor=user,
        request=request,
        subject=Subject(obj=batch),
        purpose=PURPOSE,
        detail={"preview": batch.batch_ref},
    )
    return data


def target_pages_read(*, user: Any, request: Any, target: NoticeTarget) -> bytes:
    """Exactly this person's pages, cut out of the print file (resident history link)."""
    from pypdf import PdfReader, PdfWriter

    pf = target.print_file
    data = storage.read_verified(pf.path, pf.sha256)
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for i in range(target.first_page - 1, target.first_page - 1 + target.page_count):
        writer.add_page(reader.pages[i])
    out = io.BytesIO()
    writer.write(out)
    access_record(
        event=Event.VIEW,
        actor=user,
        request=request,
        subject=Subject(atena_no=target.atena_no, obj=target),
        purpose=PURPOSE,
        detail={"batch_ref": target.batch.batch_ref, "file": pf.path.rsplit("/", 1)[-1], "page": target.first_page},
    )
    return out.getvalue()


def batch_run_inline(*, batch: NoticeBatch, user: Any) -> NoticeBatch:
    """Confirm and render every chunk in this process (manage.py notice_batch --run), same services as workers."""
    token = INLINE.set(True)
    try:
        batch = batch_confirm(batch=batch, user=user)
        for chunk_id in batch.chunks.order_by("no").values_list("pk", flat=True):
            try:
                chunk_render(chunk_id=chunk_id)
            except Exception as exc:
                chunk_fail(chunk_id=chunk_id, error=f"{type(exc).__name__}: {exc}", final=True)
                raise
        return batch_finish(batch_id=batch.pk)
    finally:
        INLINE.reset(token)


# ---------------------------------------------------------------------------------------------
# Re-issue at the counter (再発行・差替え)
# ---------------------------------------------------------------------------------------------


def voucher_reissue_print(*, user: Any, request: Any, voucher: Any, reason: str, dose_code: str | None = None) -> bytes:
    """Void the voucher and issue its successor (immunization keeps the link), and print the new voucher sheet
    for the counter. A DV-protected person's sheet carries no address; others get their mailing address."""
    from core.origin import Origin
    from immunization.services import voucher_replace
    from residents.selectors import status_as_of

    with transaction.atomic():
        origin = Origin.of(request)
        new = voucher_replace(voucher=voucher, reason=reason, actor=user, origin=origin, dose_code=dose_code)
        resident = new.resident
        today = timezone.localdate()
        dv = status_as_of(resident, "dv", today)
        mailing = status_as_of(resident, "mailing", today)
        zip7, address, katagaki = resident.postal_code, resident.address, resident.katagaki
        if dv is not None:
            zip7, address, katagaki = "", "", ""
        elif mailing is not None and mailing.detail.get("address"):
            zip7 = "".join(ch for ch in str(mailing.detail.get("postal_code", "")) if ch.isdigit())[:7]
            address, katagaki = mailing.detail["address"], mailing.detail.get("katagaki", "")
        batch = NoticeBatch(
            kind=BatchKind.GUIDE,
            batch_ref=new.batch_ref,
            on=today,
            dose_codes=[new.dose_code],
            vaccine_code=rules.vaccine_of(new.dose_code),
            vaccine_class=rules.vaccine_class(new.dose_code),
        )
        target = NoticeTarget(
            resident=resident,
            seq=1,
            doses=[new.dose_code],
            held=dv is not None,
            atena_no=resident.atena_no,
            name=resident.name,
            name_kana=resident.name_kana,
            birth_date=resident.birth_date,
            mail_postal_code=zip7,
            mail_address=address,
            mail_katagaki=katagaki,
        )
        contexts = notice_contexts(batch, [target], vouchers={(resident.pk, new.dose_code): new.number})
        if new.copayment_class:
            for d in contexts[0]["doses"]:
                d["copay"] = new.copayment_class
        common = common_context(batch)
        common["title"] = "予防接種券の再発行"
        pdf, _pages = rendering.render_pdf(BatchKind.GUIDE, contexts, common)
        access_record(
            event=Event.PRINT,
            actor=user,
            request=request,
            subject=Subject(atena_no=resident.atena_no, obj=new),
            purpose=PURPOSE,
            detail={"action": "voucher_reissue", "old": voucher.number, "new": new.number, "reason": reason[:100]},
        )
    return pdf
