"""Scheduled work of the audit app."""

from __future__ import annotations

from celery import shared_task

from . import seals


@shared_task
def seal_chain_head() -> int | None:
    """Hourly: append the audit chain's head to the seal file outside the database (see audit/seals.py)."""
    sealed = seals.seal_head()
    return sealed[0] if sealed else None
