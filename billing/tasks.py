"""Celery tasks: load by id, call the service. Idempotent: a run is claimed by compare-and-set."""

from __future__ import annotations

from celery import shared_task

from accounts.models import Staff
from core.origin import Origin

from . import purposes, services
from .models import DecisionRun


@shared_task(acks_late=True, soft_time_limit=900, time_limit=1000)
def decision_run_task(run_id: int) -> dict[str, int]:
    run = DecisionRun.objects.select_related("requested_by").get(pk=run_id)
    # the run is done on behalf of the member of staff who started it on the screen
    run = services.decision_run_execute(run=run, actor=run.requested_by, origin=Origin.batch(purposes.DECIDE))
    return {"targets": run.targets, "created": run.created}


@shared_task(acks_late=True, soft_time_limit=900, time_limit=1000)
def redecide_changed_task(actor_id: int | None = None) -> int:
    """Daily (and on demand): redo decisions whose statuses or consents changed since."""
    actor = Staff.objects.filter(pk=actor_id).first() if actor_id else None
    runs = services.copayment_redecide_changed(actor=actor, origin=Origin.batch(purposes.DECIDE))
    return sum(r.created for r in runs)
