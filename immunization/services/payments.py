"""支払日 on vaccination records: the one way another app (billing, when a clinic's claim is paid) changes them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from audit.models import Event
from audit.services import Subject, access_record_bulk
from core.origin import Origin

from ..models import VaccinationRecord


def records_mark_paid(
    *, record_ids: Sequence[int], paid_on: datetime.date, actor: Any, origin: Origin, reference: str
) -> int:
    """Set 支払日 on verified records (`reference` names what paid them, e.g. "請求 #12"); one change record
    per record, as the ledger's change log needs. Returns how many records changed."""
    with transaction.atomic():
        rows = list(
            VaccinationRecord.objects.select_for_update(of=("self",))
            .filter(pk__in=list(record_ids), status=VaccinationRecord.Status.VERIFIED)
            .exclude(paid_on=paid_on)
            .values_list("pk", "resident__atena_no")
        )
        if not rows:
            return 0
        changed = VaccinationRecord.objects.filter(pk__in=[pk for pk, _ in rows]).update(paid_on=paid_on)
        access_record_bulk(
            event=Event.UPDATE,
            actor=actor,
            subjects=(Subject(atena_no=atena) for _pk, atena in rows),
            purpose=origin.purpose or "委託料の支払",
            detail={"paid_on": paid_on.isoformat(), "reference": reference},
            origin=origin,
        )
    return changed
