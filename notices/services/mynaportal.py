"""Mynaportal お知らせ for A-class batches, one per printed target, through core.adapters.mynaportal_sender()
(integration implements it; its simulator plays the intermediate server in tests and the demo)."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from core.adapters import mynaportal_sender

from .. import rules
from ..models import MynaportalDelivery, NoticeChunk, NoticeTarget
from .contexts import TITLES

log = logging.getLogger(__name__)


def mynaportal_send(*, chunk_id: int) -> dict[str, int]:
    """One お知らせ per printed target of the chunk; notice ids are deterministic, so a re-run sends only what
    has no delivered status yet."""
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
        results: dict[str, dict[str, Any]] = {r["notice_id"]: r for r in mynaportal_sender()(payload)}
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
