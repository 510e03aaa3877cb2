"""Fee schedules (料金表): the clinic fee and the co-payment of a dose for a period of a fiscal year.

A price change is a new period, never an edit of a used one; the database refuses overlapping periods.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Staff
from core.origin import Origin
from core.refusals import Outcome, record_refusal

from .. import purposes
from ..models import FeeSchedule


def fee_schedule_save(*, fee: FeeSchedule, actor: Staff, origin: Origin) -> FeeSchedule:
    """Create or change a fee period; overlaps and out-of-year periods are refused with the reason."""
    try:
        fee.full_clean()
    except ValidationError as exc:
        record_refusal(
            actor=actor,
            action="fee_schedule_save",
            outcome=Outcome.INVALID,
            origin=origin,
            purpose=purposes.COPAYMENT,
            errors=exc,
        )
        raise
    with transaction.atomic(durable=True):
        fee.save()
    return fee
