"""A batch's life: create (validated), extract, confirm (freeze and cut into chunks), resume, cancel, finish.

    extracting ─► preview ─► queued ─► running ─► done
         └─► failed (nothing to send)      └─► failed (a chunk gave up) ─► resume ─► running
    any state but done ─► cancelled

Each function does its step and returns; none queues anything (notices.pipeline decides what runs next).
The state changes under a row lock on the batch, so a cancel and a worker's last chunk never cross.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record
from core.origin import Origin

from .. import extraction, rules
from ..models import BatchKind, Cohort, NoticeBatch, NoticeChunk, NoticeTarget, PrintFile
from .chunks import preview_render
from .contexts import PURPOSE
from .files import STORAGE, batch_folder, file_name, manifest_path, preview_path

log = logging.getLogger(__name__)


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


class BatchStateError(ValidationError):
    pass


@dataclass(frozen=True)
class Resumed:
    count: int  # chunks set going again (or, when none had stopped, those still waiting)
    pending: list[int]  # the chunks to queue; none left means the batch can be finished


@dataclass(frozen=True)
class Swept:
    requeue: list[int]  # chunks whose worker or message was lost
    finished: int  # batches closed because every chunk was done


def _person(actor: Any) -> Any:
    """The staff member to store on the row; None for a scheduled job or the command line."""
    return actor if getattr(actor, "pk", None) else None


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


@transaction.atomic
def batch_create(*, actor: Any, origin: Origin, spec: BatchSpec, source: str = "screen") -> NoticeBatch:
    """Validate and store the batch definition, in state "extracting". `source` is stored as 作成元
    (screen, schedule, command, bench)."""
    batch_validate(spec)
    vaccine_class = rules.vaccine_class(spec.dose_codes[0]) if spec.dose_codes else ""
    batch = NoticeBatch.objects.create(
        batch_ref=f"NB{spec.on:%Y%m%d}-{secrets.token_hex(3).upper()}",
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
        origin=source,
        created_by=_person(actor),
    )
    access_record(
        event=Event.BATCH,
        actor=_person(actor),
        origin=origin,
        subject=Subject(obj=batch),
        purpose=PURPOSE,
        detail={"action": "create", "batch_ref": batch.batch_ref, "kind": batch.kind, "doses": batch.dose_codes},
    )
    return batch


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


@transaction.atomic
def batch_confirm(*, batch: NoticeBatch, actor: Any, origin: Origin) -> NoticeBatch:
    """Freeze the previewed list: cut it into chunks (held people in files of their own), state "queued"."""
    batch = NoticeBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != NoticeBatch.State.PREVIEW:
        raise BatchStateError("抽出結果の確認待ちのバッチだけを実行できます。")
    size = settings.NOTICE_CHUNK_SIZE
    rows = NoticeTarget.objects.filter(batch=batch, excluded_reason="")
    chunks: list[NoticeChunk] = []
    for is_held in (False, True):
        # every target (not excluded) has its print-order number
        seqs = cast(list[int], list(rows.filter(held=is_held).order_by("seq").values_list("seq", flat=True)))
        for i in range(0, len(seqs), size):
            part = seqs[i : i + size]
            chunks.append(NoticeChunk(batch=batch, no=len(chunks) + 1, seq_from=part[0], seq_to=part[-1], held=is_held))
    NoticeChunk.objects.bulk_create(chunks)
    batch.state = NoticeBatch.State.QUEUED
    batch.chunks_total = len(chunks)
    batch.confirmed_by = _person(actor)
    batch.confirmed_at = timezone.now()
    batch.error = ""
    batch.save()
    access_record(
        event=Event.BATCH,
        actor=batch.confirmed_by,
        origin=origin,
        subject=Subject(obj=batch),
        purpose=PURPOSE,
        detail={"action": "confirm", "batch_ref": batch.batch_ref, "targets": batch.targets, "chunks": len(chunks)},
    )
    return batch


def batch_cancel(*, batch: NoticeBatch, actor: Any, origin: Origin) -> NoticeBatch:
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
        batch.cancelled_by = _person(actor)
        batch.cancelled_at = timezone.now()
        batch.finished_at = batch.cancelled_at
        _refresh_counters(batch)
        batch.save()
        access_record(
            event=Event.BATCH,
            actor=batch.cancelled_by,
            origin=origin,
            subject=Subject(obj=batch),
            purpose=PURPOSE,
            detail={"action": "cancel", "batch_ref": batch.batch_ref, "notices_done": batch.notices_done},
        )
    _remove_orphan_files(batch)
    return batch


def _remove_orphan_files(batch: NoticeBatch) -> None:
    """Files of chunks that never committed (a worker killed after writing) are not part of the batch."""
    known = set(batch.files.values_list("path", flat=True)) | {preview_path(batch), batch.manifest_path}
    root = STORAGE.root().resolve()
    folder = STORAGE.absolute(batch_folder(batch.batch_ref))
    if folder.exists():
        for path in folder.iterdir():
            if str(path.relative_to(root)) not in known:
                path.unlink(missing_ok=True)


def batch_resume(*, batch: NoticeBatch, actor: Any, origin: Origin) -> Resumed:
    """Set going again the chunks not done (failed, or claimed by a worker whose lease ran out)."""
    now = timezone.now()
    with transaction.atomic():
        batch = NoticeBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state not in (NoticeBatch.State.QUEUED, NoticeBatch.State.RUNNING, NoticeBatch.State.FAILED):
            return Resumed(count=0, pending=[])
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
        access_record(
            event=Event.BATCH,
            actor=_person(actor),
            origin=origin,
            subject=Subject(obj=batch),
            purpose=PURPOSE,
            detail={"action": "resume", "batch_ref": batch.batch_ref, "chunks": len(pending)},
        )
    return Resumed(count=len(ids) if ids else len(pending), pending=pending)


def sweep() -> Swept:
    """Periodic (beat): find the chunks a dead worker had claimed (lease run out, set back to pending) or whose
    message was lost with it (pending and queued longer ago than NOTICE_PENDING_REQUEUE_S); finish batches
    whose chunks are all done. A duplicate message is harmless: the claim is compare-and-set."""
    now = timezone.now()
    requeue: list[int] = []
    finished = 0
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
            requeue += ids
        elif not batch.chunks.exclude(state=NoticeChunk.State.DONE).exists():
            batch_finish(batch_id=batch.pk)
            finished += 1
    return Swept(requeue=requeue, finished=finished)


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
            row = [file_name(f.path), f.pages, f.notices, f.postcode_from, f.postcode_to, int(f.held), f.size, f.sha256]
            w.writerow(row)
        stored = STORAGE.write(manifest_path(batch), buf.getvalue().encode("utf-8"))
        batch.manifest_path, batch.manifest_sha256 = stored.path, stored.sha256
        _refresh_counters(batch)
        batch.state = NoticeBatch.State.DONE
        batch.finished_at = timezone.now()
        batch.save()
    return batch
