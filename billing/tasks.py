"""Celery tasks: load by id, call the service. Idempotent: a run is claimed by compare-and-set."""

from __future__ import annotations

from celery import shared_task

from accounts.models import Staff

from . import services
from .models import DecisionRun


@shared_task(acks_late=True, soft_time_limit=900, time_limit=1000)
def decision_run_task(run_id: int) -> dict[str, int]:
    run = DecisionRun.objects.get(pk=run_id)
    run = services.decision_run_execute(run=run)
    return {"targets": run.targets, "created": run.created}


@shared_task(acks_late=True, soft_time_limit=900, time_limit=1000)
def redecide_changed_task(actor_id: int | None = None) -> int:
    """Daily (and on demand): redo decisions whose statuses or consents changed since."""
    actor = Staff.objects.filter(pk=actor_id).first() if actor_id else None
    return sum(r.created for r in services.copayment_redecide_changed(actor=actor))
