"""django-auditlog registrations: every change to a record, voucher, batch or master is logged."""

from auditlog.registry import auditlog

from .models import (
    Doctor,
    EntryBatch,
    Institution,
    Manufacturer,
    MoveInSurvey,
    PunchImport,
    SecondKeying,
    VaccinationRecord,
    VaccineLot,
    Voucher,
)

for model in (
    Doctor,
    EntryBatch,
    Institution,
    Manufacturer,
    MoveInSurvey,
    PunchImport,
    SecondKeying,
    VaccinationRecord,
    VaccineLot,
    Voucher,
):
    auditlog.register(model)
