"""Writes to the register that come from the city's registry (住民記録システム) and status feeds.

Called by `integration` (the linkage boundary) and nothing else owns these writes. Every change goes
through `Resident.save()` / `ResidentStatus` creation, so django-auditlog records the before/after of
each one; status rows are only ever added, never edited (a correction is a newer row).
Search keys are refilled by `resident_search_keys` whenever a name or address may have changed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Household, Resident, ResidentStatus
from .services import resident_search_keys

# Fields a registry change may set on a resident (the household is set through household_no).
REGISTER_FIELDS = (
    "resident_type",
    "name",
    "name_kana",
    "alias_name",
    "alias_kana",
    "alpha_name",
    "sex",
    "birth_date",
    "relation1",
    "relation2",
    "relation3",
    "postal_code",
    "address",
    "katagaki",
    "town_code",
    "block_code",
    "school_district",
    "prev_address",
    "next_address",
)


def household_get_or_create(*, household_no: str, head_name: str = "") -> Household:
    household, created = Household.objects.get_or_create(household_no=household_no, defaults={"head_name": head_name})
    if not created and head_name and household.head_name != head_name:
        household.head_name = head_name
        household.save(update_fields=["head_name"])
    return household


def _set(resident: Resident, changes: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in changes.items():
        if field not in REGISTER_FIELDS:
            raise ValueError(f"registry may not set {field}")
        if getattr(resident, field) != value:
            setattr(resident, field, value)
            changed.append(field)
    return changed


def _save(resident: Resident, changed: list[str]) -> list[str]:
    if changed:
        resident_search_keys(resident)
        resident.updated_at = timezone.now()
        resident.save()
    return changed


@transaction.atomic
def resident_register(
    *,
    atena_no: str,
    household_no: str,
    head_name: str = "",
    fields: dict[str, Any],
    became_resident_on: datetime.date | None,
    reason: str,
) -> Resident:
    """Birth or move-in of a new person; a former resident moving back in is re-activated instead."""
    household = household_get_or_create(household_no=household_no, head_name=head_name)
    resident = Resident.objects.filter(atena_no=atena_no).first()
    if resident is None:
        resident = Resident(atena_no=atena_no, household=household)
        _set(resident, fields)
    else:
        _set(resident, fields)
        resident.household = household
    resident.status = Resident.Status.RESIDENT
    resident.became_resident_on = became_resident_on
    resident.became_resident_reason = reason
    resident.ceased_on = None
    resident.ceased_reason = ""
    _save(resident, ["status"])
    return resident


@transaction.atomic
def resident_change(*, resident: Resident, changes: dict[str, Any]) -> list[str]:
    """Name, address, relation changes and corrections (職権修正): only the given fields change."""
    return _save(resident, _set(resident, changes))


@transaction.atomic
def resident_change_address(
    *, resident: Resident, postal_code: str, address: str, katagaki: str = "", town_code: str = "", block_code: str = ""
) -> list[str]:
    changes = {
        "postal_code": postal_code,
        "address": address,
        "katagaki": katagaki,
        "town_code": town_code,
        "block_code": block_code,
    }
    if resident.address and resident.address != address:
        changes["prev_address"] = resident.address
    return resident_change(resident=resident, changes=changes)


@transaction.atomic
def resident_change_household(
    *, resident: Resident, household_no: str, head_name: str = "", relations: dict[str, str] | None = None
) -> list[str]:
    household = household_get_or_create(household_no=household_no, head_name=head_name)
    changed = _set(resident, relations or {})
    if resident.household_id != household.pk:
        resident.household = household
        changed.append("household")
    return _save(resident, changed)


@transaction.atomic
def resident_move_out(
    *, resident: Resident, on: datetime.date, next_address: str = "", reason: str = "転出"
) -> list[str]:
    changed = _set(resident, {"next_address": next_address} if next_address else {})
    resident.status = Resident.Status.MOVED_OUT
    resident.ceased_on = on
    resident.ceased_reason = reason
    return _save(resident, [*changed, "status"])


@transaction.atomic
def resident_record_death(*, resident: Resident, on: datetime.date) -> list[str]:
    """The deceased stay in the register, protected as the living are (PIA III-7 R3)."""
    if on < resident.birth_date:
        raise ValueError("死亡日が生年月日より前です")
    resident.status = Resident.Status.DECEASED
    resident.ceased_on = on
    resident.ceased_reason = "死亡"
    return _save(resident, ["status"])


@transaction.atomic
def resident_delete_ex_officio(*, resident: Resident, on: datetime.date) -> list[str]:
    resident.status = Resident.Status.DELETED
    resident.ceased_on = on
    resident.ceased_reason = "職権消除"
    return _save(resident, ["status"])


@transaction.atomic
def resident_set_unified_no(*, resident: Resident, unified_no: str) -> None:
    """団体内統合宛名番号, as linked at the intermediate server."""
    if resident.unified_no != unified_no:
        resident.unified_no = unified_no
        resident.updated_at = timezone.now()
        resident.save(update_fields=["unified_no", "updated_at"])


def status_add(
    *,
    resident: Resident,
    kind: str,
    code: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    fiscal_year: int | None = None,
    detail: dict[str, Any] | None = None,
    source: str,
) -> ResidentStatus | None:
    """Add one status period; None when the newest row for the same period already says the same
    (a replayed feed adds nothing). Never edits a row: a correction is a newer row."""
    detail = detail or {}
    latest = (
        ResidentStatus.objects.filter(resident=resident, kind=kind, valid_from=valid_from, fiscal_year=fiscal_year)
        .order_by("-recorded_at", "-id")
        .first()
    )
    if latest is not None and latest.code == code and latest.valid_to == valid_to and latest.detail == detail:
        return None
    return ResidentStatus.objects.create(
        resident=resident,
        kind=kind,
        code=code,
        fiscal_year=fiscal_year,
        valid_from=valid_from,
        valid_to=valid_to,
        detail=detail,
        source=source,
    )
