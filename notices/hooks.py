"""What notices asks of apps it cannot import: the co-payment class on B-class vouchers comes from billing
through core.adapters.CopaymentClassLookup (settings.ADAPTERS["COPAYMENT_CLASSES"])."""

from __future__ import annotations

import datetime

from core.adapters import copayment_classes as _lookup

COPAYMENT_UNKNOWN = "要確認"


def copayment_classes(resident_ids: list[int], dose_code: str, on: datetime.date) -> dict[int, str]:
    """{resident_id: class} for a chunk; 要確認 for anyone the lookup has no answer for."""
    lookup = _lookup()
    found = lookup(list(resident_ids), dose_code, on) if lookup is not None else {}
    return {rid: str(found.get(rid) or COPAYMENT_UNKNOWN) for rid in resident_ids}
