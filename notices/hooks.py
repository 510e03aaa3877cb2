"""Hooks other apps fill in (they depend on notices; notices cannot import them).

COPAYMENT_CLASS_LOOKUP: billing registers a callable in its AppConfig.ready(). The batch form
(resident_ids, dose_code, on) -> {resident_id: class} is preferred (one query per chunk); a per-person callable
(resident_id, dose_code, on) -> class is accepted too. Until one is registered, or when it has no answer for a
person, B-class vouchers print 要確認.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

COPAYMENT_CLASS_LOOKUP: Callable[..., Any] | None = None
COPAYMENT_UNKNOWN = "要確認"


def copayment_classes(resident_ids: list[int], dose_code: str, on: datetime.date) -> dict[int, str]:
    lookup = COPAYMENT_CLASS_LOOKUP
    if lookup is None:
        return dict.fromkeys(resident_ids, COPAYMENT_UNKNOWN)
    found: dict[int, Any] | None = None
    try:
        result = lookup(list(resident_ids), dose_code, on)
        if isinstance(result, Mapping):
            found = dict(result)
    except (TypeError, ValueError):  # a per-person callable refuses a list
        found = None
    if found is None:
        found = {rid: lookup(rid, dose_code, on) for rid in resident_ids}
    return {rid: str(found.get(rid) or COPAYMENT_UNKNOWN) for rid in resident_ids}
