"""Writing the audit trail. Every read of personal data, search, My Number use, export and refusal
goes through `access_record` (one row each) or `access_record_bulk` (batches); changes written in bulk,
past django-auditlog's signals, get their change entries from `change_record_bulk`; `changes_by` names
the actor on the change entries auditlog writes itself."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, set_actor
from auditlog.diff import model_instance_diff
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.origin import Origin
from core.refusals import Outcome

from .models import AuditRecord, Event


@dataclass(frozen=True)
class Subject:
    """Whom a record is about: the resident's 宛番号 and, when there is one, the model row."""

    atena_no: str = ""
    obj: models.Model | None = None


def access_record(
    *,
    event: Event | str,
    actor: Any = None,
    origin: Origin | None = None,
    subject: Subject | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    outcome: str = Outcome.OK,
) -> AuditRecord:
    """Write one access record: who, when, from where, whom, what, why."""
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None  # AnonymousUser: the record names nobody, the username field says so
    subject = subject or Subject()
    obj = subject.obj
    return AuditRecord.objects.create(
        action=AuditRecord.Action.ACCESS,
        event=str(event),
        actor=actor,
        username=getattr(actor, "username", "") or "",
        remote_addr=origin.ip if origin else None,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_pk=str(obj.pk) if obj is not None else "",
        object_id=obj.pk if obj is not None and isinstance(obj.pk, int) else None,
        object_repr=str(obj) if obj is not None else "",
        subject_atena=subject.atena_no,
        purpose=(purpose or (origin.purpose if origin else ""))[:200],
        additional_data=detail or None,
        outcome=str(outcome),
    )


def record_refusal(
    *,
    actor: Any,
    origin: Origin | None,
    action: str,
    outcome: Outcome,
    subject_atena: str,
    obj: Any,
    purpose: str,
    detail: dict[str, Any],
) -> None:
    """core.refusals' recorder: one DENIED record per refused action."""
    access_record(
        event=Event.DENIED,
        actor=actor,
        origin=origin,
        subject=Subject(atena_no=subject_atena, obj=obj),
        purpose=purpose,
        detail=detail,
        outcome=outcome,
    )


def access_record_bulk(
    *,
    event: Event | str,
    actor: Any,
    subjects: Iterable[Subject],
    purpose: str,
    detail: dict[str, Any] | None = None,
    origin: Origin | None = None,
    batch_size: int = 2000,
) -> int:
    """One record per subject for batch work (print runs, exports); the trigger still chains each row."""
    rows = []
    count = 0
    for s in subjects:
        obj = s.obj
        rows.append(
            AuditRecord(
                action=AuditRecord.Action.ACCESS,
                event=str(event),
                actor=actor,
                username=getattr(actor, "username", "") or "",
                remote_addr=origin.ip if origin else None,
                content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
                object_pk=str(obj.pk) if obj is not None else "",
                object_id=obj.pk if obj is not None and isinstance(obj.pk, int) else None,
                object_repr=str(obj) if obj is not None else "",
                subject_atena=s.atena_no,
                purpose=purpose[:200],
                additional_data=detail or None,
            )
        )
        if len(rows) >= batch_size:
            AuditRecord.objects.bulk_create(rows)
            count += len(rows)
            rows = []
    if rows:
        AuditRecord.objects.bulk_create(rows)
        count += len(rows)
    return count


@contextlib.contextmanager
def changes_by(actor: Any, origin: Origin | None) -> Iterator[None]:
    """django-auditlog's change entries written inside name `actor` and the origin's address: a service
    called from a feed or a command names its actor as a web request's middleware would.

    auditlog's own context does not nest (it leaves its value set on exit, which silences the request's
    context for the rest of the request), so the value from before is put back afterwards.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    before = auditlog_value.set(auditlog_value.get(None))
    try:
        with set_actor(actor, remote_addr=origin.ip if origin else None):
            yield
    finally:
        auditlog_value.reset(before)


def change_record_bulk(
    *,
    created: Sequence[models.Model] = (),
    updated: Sequence[tuple[models.Model, dict[str, Any]]] = (),
    fields: Sequence[str],
    actor: Any,
    origin: Origin | None,
    batch_size: int = 1000,
) -> int:
    """The change entries django-auditlog would have written for rows created or updated in bulk (bulk
    inserts and UPDATE … FROM bypass its signals), in its own before/after format. `updated` pairs each
    row with its diff (auditlog's `model_instance_diff`); `fields` are the fields a created row shows."""
    cid = get_cid()
    username = getattr(actor, "username", "") or ""
    remote_addr = origin.ip if origin else None

    def entry(obj: models.Model, action: int, changes: dict[str, Any] | None) -> AuditRecord:
        return AuditRecord(
            content_type=ContentType.objects.get_for_model(obj),
            object_pk=str(obj.pk),
            object_id=obj.pk,
            object_repr=str(obj),
            action=action,
            changes=changes,
            cid=cid,
            actor=actor,
            username=username,
            remote_addr=remote_addr,
        )

    entries = [
        entry(o, AuditRecord.Action.CREATE, model_instance_diff(None, o, fields_to_check=fields)) for o in created
    ]
    entries += [entry(o, AuditRecord.Action.UPDATE, diff) for o, diff in updated]
    AuditRecord.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
