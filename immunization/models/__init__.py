"""The immunization app's models, one module per part (records; the schedule rules)."""

from .records import (  # noqa: F401
    Doctor,
    EntryBatch,
    Institution,
    Manufacturer,
    MoveInSurvey,
    PunchImport,
    PunchLine,
    RecordSource,
    SecondKeying,
    VaccinationRecord,
    VaccineLot,
    Voucher,
)
from .schedule import CoursePlan, Dose, EligibilityWindow, GeneralInterval, PlanStep, Vaccine  # noqa: F401
