"""Reads of vaccination records shared by views, the forecast, billing, relief and reports.

Only verified records count anywhere: every selector meant for other apps starts from `verified()`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Field, Q, QuerySet

from core.legal_age import birth_range_for_ages
from residents.models import Resident

from . import eligibility
from .models import EntryBatch, MoveInSurvey, PunchImport, PunchLine, VaccinationRecord

# A dose is "had" once it is recorded, or keyed and waiting for four-eyes verification: nobody is reminded
# of a dose whose voucher is already on a verifier's desk.
HAD_STATUSES = (VaccinationRecord.Status.VERIFIED, VaccinationRecord.Status.PENDING)


def verified() -> QuerySet[VaccinationRecord]:
    return VaccinationRecord.objects.filter(status=VaccinationRecord.Status.VERIFIED)


def doses_had(resident: Resident | int, codes: list[str], *, since: datetime.date | None = None) -> set[str]:
    """Which of `codes` the person has recorded or in verification (given on or after `since`, if given)."""
    qs = VaccinationRecord.objects.filter(resident=resident, dose_code__in=codes, status__in=HAD_STATUSES)
    if since is not None:
        qs = qs.filter(vaccinated_on__gte=since)
    return set(qs.values_list("dose_code", flat=True))


def missing_doses_sql(
    *, resident_id_sql: str, doses_param: str, since_param: str | None, params: dict[str, Any]
) -> str:
    """`doses_had` for set-based callers (notice extraction over a whole cohort in one statement): an SQL
    expression giving the text[] of the dose codes in %(doses_param)s that the resident whose id is
    `resident_id_sql` has neither recorded nor in verification (since %(since_param)s when given).

    Immunization owns the table and its statuses; the caller embeds the expression and fills `params`.
    """
    meta = VaccinationRecord._meta
    col = {name: _column(name) for name in ("resident", "dose_code", "status", "vaccinated_on")}
    params["had_statuses"] = [str(s) for s in HAD_STATUSES]
    since = f"AND v.{col['vaccinated_on']} >= %({since_param})s" if since_param else ""
    return f"""ARRAY(SELECT d FROM unnest(%({doses_param})s::text[]) AS d WHERE NOT EXISTS (
        SELECT 1 FROM {meta.db_table} v WHERE v.{col["resident"]} = {resident_id_sql} AND v.{col["dose_code"]} = d
        AND v.{col["status"]} = ANY(%(had_statuses)s) {since}))"""  # noqa: S608 (names from the model's metadata)


def _column(name: str) -> str:
    field = VaccinationRecord._meta.get_field(name)
    if not isinstance(field, Field):  # a reverse relation or generic key has no column of this table
        raise TypeError(f"VaccinationRecord.{name} is not a column")
    return field.column


def past_doses(resident: Resident | int) -> list[Any]:
    """The resident's verified doses, oldest first (date-unknown ones first, given_on None), as `PastDose`s."""
    rows = (
        verified()
        .filter(resident=resident)
        .order_by(F("vaccinated_on").asc(nulls_first=True), "id")
        .values_list("dose_code", "vaccinated_on")
    )
    return [eligibility.past_dose(code, on) for code, on in rows]


def history_pairs(resident_id: int, *, exclude_id: int | None = None) -> list[tuple[str, datetime.date | None]]:
    qs = verified().filter(resident_id=resident_id)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return list(qs.order_by(F("vaccinated_on").asc(nulls_first=True), "id").values_list("dose_code", "vaccinated_on"))


def verified_records(
    *,
    resident: Resident | int | None = None,
    institution: Any = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    dose_codes: list[str] | None = None,
    outside_city: bool | None = None,
) -> QuerySet[VaccinationRecord]:
    """Verified records for billing (claims per institution and month) and relief (proof of a dose)."""
    qs = verified().select_related("institution", "manufacturer", "lot", "doctor")
    if resident is not None:
        qs = qs.filter(resident=resident)
    if institution is not None:
        qs = qs.filter(institution=institution)
    if date_from is not None:
        qs = qs.filter(vaccinated_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(vaccinated_on__lte=date_to)
    if dose_codes:
        qs = qs.filter(dose_code__in=dose_codes)
    if outside_city is not None:
        qs = qs.filter(outside_city=outside_city)
    return qs.order_by("vaccinated_on", "id")


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def claims_by_institution(*, year: int, month: int) -> QuerySet[Any]:
    """Per institution and dose code, the verified doses given in one month (the basis of clinic claims)."""
    first, last = month_bounds(year, month)
    return (
        verified()
        .filter(vaccinated_on__range=(first, last), institution__isnull=False)
        .values("institution_id", "institution__code", "institution__name", "dose_code")
        .annotate(doses=Count("id"))
        .order_by("institution__code", "dose_code")
    )


def resident_history(resident: Resident) -> QuerySet[VaccinationRecord]:
    """Everything held for the history panel: verified, pending and rejected (shown as such)."""
    return (
        VaccinationRecord.objects.filter(resident=resident)
        .select_related("institution", "manufacturer", "doctor", "keyed_by", "verified_by", "voucher")
        .order_by("vaccinated_on", "id")
    )


def pending_for_verification(*, batch: EntryBatch | None = None) -> QuerySet[VaccinationRecord]:
    qs = VaccinationRecord.objects.filter(status=VaccinationRecord.Status.PENDING, punch_line__isnull=True)
    if batch is not None:
        qs = qs.filter(entry_batch=batch)
    return qs.select_related("resident", "institution", "manufacturer", "keyed_by", "entry_batch", "voucher").order_by(
        "entry_batch_id", "id"
    )


def entry_batches() -> QuerySet[EntryBatch]:
    return EntryBatch.objects.select_related("created_by").annotate(
        n_total=Count("records"),
        n_pending=Count("records", filter=Q(records__status="pending")),
        n_verified=Count("records", filter=Q(records__status="verified")),
        n_rejected=Count("records", filter=Q(records__status="rejected")),
    )


def lot_search(*, lot_no: str, manufacturer_id: int | None = None) -> QuerySet[VaccinationRecord]:
    qs = verified().filter(lot_no=lot_no.strip().upper())
    if manufacturer_id:
        qs = qs.filter(manufacturer_id=manufacturer_id)
    return qs.select_related("resident", "institution", "manufacturer").order_by("vaccinated_on", "resident__atena_no")


def punch_imports() -> QuerySet[PunchImport]:
    return PunchImport.objects.select_related("uploaded_by")


def worklist(punch_import: PunchImport, *, category: str = "", open_only: bool = True) -> QuerySet[PunchLine]:
    qs = punch_import.lines.exclude(category__in=["", PunchLine.Category.NEW])
    if open_only:
        qs = qs.filter(resolution=PunchLine.Resolution.OPEN)
    if category:
        qs = qs.filter(category=category)
    return qs.select_related("resident", "voucher", "existing_record", "resolved_by").order_by("line_no")


def movein_candidates(
    *, date_from: datetime.date, date_to: datetime.date, include_elderly: bool = False
) -> QuerySet[Resident]:
    """Residents who moved in during the period and are of vaccination age on its last day.

    Children up to 20 (the Japanese encephalitis special cohort ends at 20); with `include_elderly`
    also those 60 and over (B-class vaccinations).
    """
    # legal age on the last day (core.legal_age): under 20, or 60 and over
    under_20_from, _ = birth_range_for_ages(date_to, 0, 19)
    _, sixty_to = birth_range_for_ages(date_to, 60, 150)
    age_q = Q(birth_date__gte=under_20_from)
    if include_elderly:
        age_q |= Q(birth_date__lte=sixty_to)
    return (
        Resident.objects.filter(
            status=Resident.Status.RESIDENT,
            became_resident_reason="転入",
            became_resident_on__range=(date_from, date_to),
        )
        .filter(age_q)
        .order_by("became_resident_on", "atena_no")
    )


def surveys_for(residents: list[Resident]) -> dict[int, MoveInSurvey]:
    return {s.resident_id: s for s in MoveInSurvey.objects.filter(resident__in=residents).order_by("created_at")}
