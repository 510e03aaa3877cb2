"""The routine schedule: public API used by records, notices and the screens.

Rules come from the schedule tables (immunization.models.schedule, loaded by migrations); see engine.py
for how a forecast is made, cohorts.py for the birth-date ranges of a cohort on a day (notice extraction)
and core/legal_age.py for the age convention. What each dose is (label, class, sex) is in
immunization.doses.
"""

from .cohorts import cohort_window, cohort_windows, standard_window
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
    forecast,
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
    "forecast",
    "standard_window",
]
