"""Feed runs: one file or real-time message from one source, checked whole, applied in one
transaction or not at all, recorded as a FeedRun with counts, errors and duration, and audited.

Used alike by the Celery beat job (tasks.py), `manage.py import_feed`, the upload form on the status
page and the real-time HTTP endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import zlib
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from audit.models import Event
from audit.services import access_record
from core.origin import Origin
from core.refusals import Outcome

from . import initial_load, registry_feed, status_feed
from .envelope import FeedRejected, LineError, read_envelope
from .models import FeedRun, FeedSource


@dataclass(frozen=True)
class SourceSpec:
    code: str
    name: str
    kind: str
    format: str
    realtime: bool = False


SOURCES: dict[str, SourceSpec] = {
    s.code: s
    for s in [
        SourceSpec("registry", "住民記録(異動)", FeedSource.Kind.REGISTRY, registry_feed.FORMAT, realtime=True),
        SourceSpec("initial", "住民記録(初期一括)", FeedSource.Kind.INITIAL, initial_load.FORMAT),
        *[SourceSpec(f.source, f.name, FeedSource.Kind.STATUS, f.format) for f in status_feed.STATUS_FORMATS.values()],
    ]
}


def sources_ensure() -> list[FeedSource]:
    """Create the feed sources this system knows (idempotent); the initial load is never 'stale'."""
    out = []
    for spec in SOURCES.values():
        source, _ = FeedSource.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "realtime": spec.realtime,
                "enabled": spec.kind != FeedSource.Kind.INITIAL,
            },
        )
        out.append(source)
    return out


def token_set(*, source: FeedSource, token: str) -> None:
    """Register the bearer token the sending system uses on the real-time endpoint (stored hashed)."""
    source.api_token_sha256 = hashlib.sha256(token.encode()).hexdigest()
    source.save(update_fields=["api_token_sha256"])


def source_for_token(code: str, token: str) -> FeedSource | None:
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    source = FeedSource.objects.filter(code=code, realtime=True, enabled=True).first()
    if source is None or not source.api_token_sha256:
        return None
    return source if hmac.compare_digest(source.api_token_sha256, digest) else None


def _lock(source: FeedSource) -> None:
    """One run per source at a time (beat, command, upload and real time may overlap)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(f"feed:{source.code}".encode())])


def _check_and_apply(
    source: FeedSource, rows: list[tuple[int, dict[str, str]]], *, created: Any, dry_run: bool, run: FeedRun
) -> tuple[Any, list[LineError]]:
    if source.kind == FeedSource.Kind.REGISTRY:
        changes, errors = registry_feed.plan(rows)
        if errors:
            return None, errors
        if dry_run:
            actions = [c.action for c in changes]
            return registry_feed.Result(
                records=len(changes),
                applied=actions.count("apply"),
                unchanged=actions.count("unchanged"),
                stale=actions.count("stale"),
            ), []
        return registry_feed.apply(changes, run=run, actor=run.actor), []
    fmt = status_feed.STATUS_FORMATS[source.code]
    planned, errors = status_feed.plan(fmt, rows)
    if errors:
        return None, errors
    last = source.state.get("last_file_created")
    if created is not None and last and created.strftime("%Y%m%d%H%M%S") < last:
        res = status_feed.Result(records=len(planned), stale=len(planned))
        res.notes.append(
            {
                "line": 1,
                "message": f"作成日時 {created:%Y-%m-%d %H:%M:%S} のファイルは、"
                f"取込済みのファイル(作成 {last})より古いため反映しませんでした。",
            }
        )
        return res, []
    if dry_run:
        return status_feed.Result(records=len(planned), applied=len(planned)), []
    res = status_feed.apply(planned, source=source.code)
    if created is not None:
        source.state = {**source.state, "last_file_created": created.strftime("%Y%m%d%H%M%S")}
    return res, []


def _finish(
    run: FeedRun,
    source: FeedSource,
    started: float,
    *,
    actor: Any,
    origin: Origin,
    result: Any,
    errors: list[LineError],
) -> FeedRun:
    run.finished_at = timezone.now()
    run.duration_s = round(time.perf_counter() - started, 3)
    if errors:
        run.status = FeedRun.Status.FAILED
        run.errors = [e.as_dict() for e in errors[:500]]
        run.applied = run.unchanged = run.stale = 0
    elif result is not None:
        run.records = result.records
        run.applied = result.applied
        run.unchanged = result.unchanged
        run.stale = result.stale
        run.notes = result.notes[:500]
    run.save()
    access_record(
        event=Event.IMPORT,
        actor=actor,
        origin=origin,
        purpose=f"{source.name}の取込",
        detail={
            "run_id": run.pk,
            "source": source.code,
            "file": run.filename[:120],
            "status": run.status,
            "records": run.records,
            "applied": run.applied,
            "unchanged": run.unchanged,
            "stale": run.stale,
            "errors": len(run.errors),
        },
        # a rejected file is the run's result, not a refused action: it is not counted among refusals
        outcome=Outcome.OK if run.status != FeedRun.Status.FAILED else Outcome.REJECTED,
    )
    return run


def feed_import(
    *,
    source_code: str,
    data: bytes,
    filename: str = "",
    trigger: str,
    actor: Any,
    origin: Origin,
    dry_run: bool = False,
) -> FeedRun:
    """Check one file whole and apply it in one transaction; a rejected file stores nothing of its
    content, only the failed run with its line-numbered report. `actor` is None for the scheduled job
    and the command line."""
    source = FeedSource.objects.get(code=source_code)
    started = time.perf_counter()
    run = FeedRun.objects.create(
        source=source,
        trigger=trigger,
        filename=filename[:300],
        sha256=hashlib.sha256(data).hexdigest(),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    if source.kind == FeedSource.Kind.INITIAL:
        try:
            result = initial_load.load(data, actor=actor, origin=origin, dry_run=dry_run)
        except FeedRejected as exc:
            return _finish(run, source, started, actor=actor, origin=origin, result=None, errors=exc.errors)
        run.status = FeedRun.Status.DRY_RUN if dry_run else FeedRun.Status.SUCCEEDED
        run.file_id = result.file_id
        if not dry_run:
            FeedSource.objects.filter(pk=source.pk).update(last_success_at=timezone.now())
        return _finish(run, source, started, actor=actor, origin=origin, result=result, errors=[])
    try:
        env = read_envelope(
            data,
            expected_format=SOURCES[source.code].format,
            allowed=_columns(source),
            required=_columns(source),
        )
    except FeedRejected as exc:
        return _finish(run, source, started, actor=actor, origin=origin, result=None, errors=exc.errors)
    run.file_id = env.file_id
    return _run_rows(
        run, source, env.rows, created=env.created, started=started, actor=actor, origin=origin, dry_run=dry_run
    )


def _columns(source: FeedSource) -> tuple[str, ...]:
    if source.kind == FeedSource.Kind.REGISTRY:
        return registry_feed.COLUMNS
    return status_feed.STATUS_FORMATS[source.code].columns


def _run_rows(
    run: FeedRun,
    source: FeedSource,
    rows: list[tuple[int, dict[str, str]]],
    *,
    created: Any,
    started: float,
    actor: Any,
    origin: Origin,
    dry_run: bool,
) -> FeedRun:
    try:
        with transaction.atomic():
            _lock(source)
            source.refresh_from_db()
            result, errors = _check_and_apply(source, rows, created=created, dry_run=dry_run, run=run)
            if errors:
                raise FeedRejected(errors)
            if not dry_run:
                source.last_success_at = timezone.now()
                source.save(update_fields=["last_success_at", "state"])
    except FeedRejected as exc:
        return _finish(run, source, started, actor=actor, origin=origin, result=None, errors=exc.errors)
    run.status = FeedRun.Status.DRY_RUN if dry_run else FeedRun.Status.SUCCEEDED
    return _finish(run, source, started, actor=actor, origin=origin, result=result, errors=[])


def feed_receive_message(*, source: FeedSource, payload: Any, origin: Origin) -> FeedRun:
    """A real-time message: {"message_id": str, "events": [{<every column of the format>}, …]}.
    Each event is numbered from 1 in the report; any key outside the format rejects the message.
    No staff member acts: the sending system authenticated with its token."""
    started = time.perf_counter()
    message_id = str(payload.get("message_id", "")) if isinstance(payload, dict) else ""
    run = FeedRun.objects.create(
        source=source,
        trigger=FeedRun.Trigger.REALTIME,
        filename=message_id[:300],
        file_id=message_id[:60],
        sha256=hashlib.sha256(repr(payload).encode()).hexdigest(),
    )
    errors: list[LineError] = []
    rows: list[tuple[int, dict[str, str]]] = []
    if not isinstance(payload, dict) or not message_id or not isinstance(payload.get("events"), list):
        errors.append(LineError(None, '電文は {"message_id": 文字列, "events": [...]} の形式で送ってください。'))
    else:
        extra_top = sorted(set(payload) - {"message_id", "events"})
        if extra_top:
            errors.append(LineError(None, f"電文に認められていない項目があります: {', '.join(extra_top)}"))
        columns = _columns(source)
        for i, event in enumerate(payload["events"], start=1):
            if not isinstance(event, dict):
                errors.append(LineError(i, "異動がオブジェクトではありません。"))
                continue
            extra = sorted(set(event) - set(columns))
            missing = [c for c in columns if c not in event]
            if extra:
                errors.append(LineError(i, f"この様式で認められていない項目があります: {', '.join(extra)}"))
            if missing:
                errors.append(LineError(i, f"必須の項目がありません: {', '.join(missing)}"))
            if not extra and not missing:
                rows.append((i, {c: "" if event[c] is None else str(event[c]).strip() for c in columns}))
        if not payload["events"]:
            errors.append(LineError(None, "異動が1件もありません。"))
    if errors:
        return _finish(run, source, started, actor=None, origin=origin, result=None, errors=errors)
    return _run_rows(run, source, rows, created=None, started=started, actor=None, origin=origin, dry_run=False)
