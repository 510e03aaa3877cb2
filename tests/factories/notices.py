from __future__ import annotations

import datetime

from notices.services import BatchSpec


def reminder_spec(on: datetime.date = datetime.date(2026, 11, 1), **kw) -> BatchSpec:  # type: ignore[no-untyped-def]
    """A postcard batch for people aged 65 and over (an age cohort needs no schedule rule)."""
    base = {
        "kind": "reminder",
        "vaccine_code": "flu_elderly",
        "dose_codes": ["flu_elderly"],
        "on": on,
        "cohort": "age",
        "age_from": 65,
        "age_to": 120,
        "window_end": datetime.date(2027, 1, 31),
        "notified_within_days": 30,
    }
    base.update(kw)
    return BatchSpec(**base)
