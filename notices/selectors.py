"""Reads for the batch screens and the resident page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from immunization.models import Voucher

from .models import ExclusionReason, MynaportalDelivery, NoticeBatch, NoticeChunk, NoticeTarget, PrintFile


@dataclass
class Progress:
    chunks_total: int
    chunks_done: int
    chunks_failed: int
    notices_done: int
    pages_done: int
    percent: int
    rate: float | None  # notices per second
    eta_seconds: int | None
    errors: int


def batch_progress(batch: NoticeBatch) -> Progress:
    agg = batch.chunks.aggregate(
        done=Count("pk", filter=Q(state=NoticeChunk.State.DONE)),
        failed=Count("pk", filter=Q(state=NoticeChunk.State.FAILED)),
    )
    files = PrintFile.objects.filter(batch=batch).aggregate(n=Sum("notices"), p=Sum("pages"))
    notices, pages = files["n"] or 0, files["p"] or 0
    total = batch.targets or 0
    rate = eta = None
    if batch.started_at and notices:
        end = batch.finished_at or timezone.now()
        elapsed = max((end - batch.started_at).total_seconds(), 0.001)
        rate = notices / elapsed
        eta = int((total - notices) / rate) if rate and batch.is_active else None
    return Progress(
        chunks_total=batch.chunks_total,
        chunks_done=agg["done"],
        chunks_failed=agg["failed"],
        notices_done=notices,
        pages_done=pages,
        percent=int(100 * notices / total) if total else 0,
        rate=rate,
        eta_seconds=eta,
        errors=batch.errors_count,
    )


def exclusion_rows(batch: NoticeBatch) -> list[tuple[str, int]]:
    return [(r.label, batch.counts.get(r.value, 0)) for r in ExclusionReason if r.value]


def mynaportal_counts(batch: NoticeBatch) -> dict[str, int]:
    rows = MynaportalDelivery.objects.filter(target__batch=batch).values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def resident_notice_history(resident: Any) -> QuerySet[NoticeTarget]:
    return (
        NoticeTarget.objects.filter(resident=resident, excluded_reason="", printed_at__isnull=False)
        .select_related("batch", "print_file")
        .order_by("-printed_at")
    )


def resident_vouchers(resident: Any) -> list[Voucher]:
    return list(Voucher.objects.filter(resident=resident).order_by("-issued_on", "-pk")[:50])
