"""担当割当: the supervisor assigns relief workers to a claim and takes them off it (per-claim object
permissions through django-guardian), each change recorded as a rights event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from audit.models import Event
from audit.services import access_record
from core.origin import Origin
from core.refusals import Outcome, record_refusal

from ..access import ACCESS, CHANGE, VIEW, is_supervisor
from ..models import Claim, ClaimEvent
from ._shared import PURPOSE, subject_of, today


def _require_supervisor(actor: Any) -> None:
    if not is_supervisor(actor):
        raise PermissionDenied("担当者の割当ては健康被害救済責任者が行います。")


def claim_assign(*, actor: Any, origin: Origin, claim: Claim, worker: Any) -> None:
    """The supervisor assigns a relief worker to a claim (audited)."""
    _require_supervisor(actor)
    if not worker.is_active or not worker.has_perm(ACCESS):
        errors = {"worker": ["健康被害救済担当の職員だけを割り当てられます。"]}
        record_refusal(
            actor=actor,
            action="claim_assign",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=claim.resident.atena_no,
            obj=claim,
            purpose=PURPOSE,
            errors=errors,
        )
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        assign_perm(VIEW, worker, claim)
        assign_perm(CHANGE, worker, claim)
        ClaimEvent.objects.create(claim=claim, action="担当割当", note=worker.username, actor=actor, on_date=today())
        access_record(
            event=Event.RIGHTS,
            actor=actor,
            origin=origin,
            subject=subject_of(claim),
            purpose=PURPOSE,
            detail={"claim_no": claim.claim_no, "assigned": worker.username},
        )


def claim_unassign(*, actor: Any, origin: Origin, claim: Claim, worker: Any) -> None:
    _require_supervisor(actor)
    with transaction.atomic(durable=True):
        remove_perm(VIEW, worker, claim)
        remove_perm(CHANGE, worker, claim)
        ClaimEvent.objects.create(claim=claim, action="担当解除", note=worker.username, actor=actor, on_date=today())
        access_record(
            event=Event.RIGHTS,
            actor=actor,
            origin=origin,
            subject=subject_of(claim),
            purpose=PURPOSE,
            detail={"claim_no": claim.claim_no, "unassigned": worker.username},
        )
