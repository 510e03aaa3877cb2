"""Account administration: unlocking, the rights table, periodic reviews. Each is audited."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.db import transaction

from audit.models import Event
from audit.services import access_record

from .models import RightsReview, Staff


@transaction.atomic
def staff_unlock(*, staff: Staff, by: Staff, request: Any = None) -> int:
    """Lift a lockout after five failed log-ins; only the admin console calls this."""
    removed = reset(username=staff.username)
    access_record(event=Event.UNLOCK, actor=by, request=request, detail={"username": staff.username})
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
def rights_review_record(*, reviewer: Staff, note: str = "") -> RightsReview:
    return RightsReview.objects.create(reviewer=reviewer, note=note, snapshot=rights_table())
