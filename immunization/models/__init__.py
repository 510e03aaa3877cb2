"""The immunization app's models, one module per part (records here; the schedule rules beside them)."""

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
