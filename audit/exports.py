"""The access-log export (CSV, UTF-8 or CP932), shared by the command and the auditor's screen."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.origin import Origin

from .models import AuditRecord, Event
from .services import access_record

HEADER = ["日時", "利用者", "操作", "対象者宛番号", "事務・目的", "結果", "端末"]


def _bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def access_log_rows(date_from: datetime.date, date_to: datetime.date) -> Iterator[list[str]]:
    start, end = _bounds(date_from, date_to)
    labels = dict(Event.choices)
    qs = (
        AuditRecord.objects.filter(timestamp__gte=start, timestamp__lt=end)
        .order_by("chain_seq")
        .values_list("timestamp", "username", "event", "action", "subject_atena", "purpose", "outcome", "remote_addr")
    )
    action_labels = {0: "作成", 1: "更新", 2: "削除", 3: "閲覧"}
    for ts, username, event, action, atena, purpose, outcome, addr in qs.iterator(chunk_size=5000):
        label = labels.get(event) or action_labels.get(action, str(action))
        yield [
            timezone.localtime(ts).strftime("%Y-%m-%d %H:%M:%S"),
            username,
            label,
            atena,
            purpose,
            outcome,
            addr or "",
        ]


def access_log_export(
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    encoding: str,
    actor: Any,
    origin: Origin,
    channel: str,
) -> tuple[bytes, int]:
    """Build the CSV and record the export itself (in the same transaction), returning (bytes, rows)."""
    if date_to < date_from:
        raise ValueError("終了日は開始日以降にしてください。")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    count = 0
    for row in access_log_rows(date_from, date_to):
        writer.writerow(row)
        count += 1
    data = buffer.getvalue().encode(encoding, errors="replace")
    with transaction.atomic():
        access_record(
            event=Event.EXPORT,
            actor=actor,
            origin=origin,
            purpose="アクセス記録の点検",
            detail={
                "export": "access_log",
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "rows": count,
                "encoding": encoding,
                "channel": channel,
            },
        )
    return data, count
