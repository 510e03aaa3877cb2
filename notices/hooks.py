"""Hooks other apps fill in (they depend on notices; notices cannot import them).

COPAYMENT_CLASS_LOOKUP: billing registers a callable (resident_ids, vaccine_code, on) -> {resident_id: class}
in its AppConfig.ready(). Until it does, or when a person has no decision yet, B-class vouchers print 要確認.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

CopaymentLookup = Callable[[Iterable[int], str, datetime.date], dict[int, str]]

COPAYMENT_CLASS_LOOKUP: CopaymentLookup | None = None
COPAYMENT_UNKNOWN = "要確認"


def copayment_classes(resident_ids: list[int], vaccine_code: str, on: datetime.date) -> dict[int, str]:
    lookup = COPAYMENT_CLASS_LOOKUP
    found = dict(lookup(resident_ids, vaccine_code, on)) if lookup is not None else {}
    return {rid: found.get(rid) or COPAYMENT_UNKNOWN for rid in resident_ids}
