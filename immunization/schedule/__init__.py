"""The routine schedule: public API used by records, notices and the screens.

Rules come from the schedule tables (immunization.models.schedule, loaded by migrations); see engine.py
for how a forecast is made and legal_age.py for the age convention.
"""

from .engine import (
    COMPLETED,
    DUE,
    EXPIRED,
    NOT_APPLICABLE,
    OVERDUE,
    STATUS_LABELS,
    STATUSES,
    UPCOMING,
    DoseForecast,
    PastDose,
    check_dose,
    cohort_window,
    cohort_windows,
    dose_codes,
    dose_label,
    forecast,
    standard_window,
    vaccine_class,
    vaccine_of,
)

__all__ = [
    "COMPLETED",
    "DUE",
    "EXPIRED",
    "NOT_APPLICABLE",
    "OVERDUE",
    "STATUSES",
    "STATUS_LABELS",
    "UPCOMING",
    "DoseForecast",
    "PastDose",
    "check_dose",
    "cohort_window",
    "cohort_windows",
    "dose_codes",
    "dose_label",
    "forecast",
    "standard_window",
    "vaccine_class",
    "vaccine_of",
]
