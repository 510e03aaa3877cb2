"""Account administration: unlocking, the rights table, periodic reviews. Each is audited."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.db import transaction

from audit.models import Event
from audit.services import access_record, changes_by
from core.origin import Origin

from .models import RightsReview, Staff


@transaction.atomic
def staff_unlock(*, staff: Staff, actor: Staff, origin: Origin) -> int:
    """Lift a lockout after five failed log-ins; only the admin console calls this."""
    removed = reset(username=staff.username)
    access_record(event=Event.UNLOCK, actor=actor, origin=origin, detail={"username": staff.username})
    return removed


def rights_table() -> list[dict[str, Any]]:
    """Who holds which role, with contractor flag and expiry: the table reviewed each fiscal year."""
    rows = []
    for s in Staff.objects.prefetch_related("groups").order_by("username"):
        rows.append(
            {
                "username": s.username,
                "display_name": s.display_name,
                "active": s.is_active,
                "contractor": s.is_contractor,
                "expires_on": s.account_expires_on.isoformat() if s.account_expires_on else "",
                "roles": sorted(g.name for g in s.groups.all()),
            }
        )
    return rows


@transaction.atomic
def rights_review_record(*, actor: Staff, origin: Origin, note: str = "") -> RightsReview:
    """The fiscal year's review of the rights table, by `actor`, with the table as it stands."""
    with changes_by(actor, origin):
        return RightsReview.objects.create(reviewer=actor, note=note, snapshot=rights_table())
