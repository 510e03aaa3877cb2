"""Writes to the register that come from the city's registry (住民記録システム) and status feeds.

Called by `integration` (the linkage boundary) and nothing else owns these writes. A day's registry
changes go through `RegisterBatch` (set-based, with one change entry per person in auditlog's format);
a status row or a unified number is saved one at a time, so django-auditlog records it itself. Each write
names its actor (`audit.services.changes_by`). Status rows are only ever added, never edited (a
correction is a newer row). Search keys are refilled by `resident_search_keys` whenever a name or
address may have changed.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from auditlog.diff import model_instance_diff
from django.db import connection, transaction
from django.utils import timezone

from audit.services import change_record_bulk, changes_by
from core.origin import Origin

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


def _set(resident: Resident, changes: dict[str, Any]) -> None:
    for field, value in changes.items():
        if field not in REGISTER_FIELDS:
            raise ValueError(f"registry may not set {field}")
        setattr(resident, field, value)


@transaction.atomic
def resident_set_unified_no(*, resident: Resident, unified_no: str, actor: Any, origin: Origin) -> None:
    """団体内統合宛名番号, as linked at the intermediate server."""
    if resident.unified_no != unified_no:
        resident.unified_no = unified_no
        resident.updated_at = timezone.now()
        with changes_by(actor, origin):
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
    actor: Any,
    origin: Origin,
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
    with changes_by(actor, origin):
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


class RegisterBatch:
    """Many registry changes applied in memory, then written set-based: one bulk insert of the new
    people, one bulk update of the changed ones, and one django-auditlog entry per person created or
    changed (the same before/after format auditlog writes itself), bulk-inserted.

    Used for a day's registry file: per-row saves cost several round trips each (auditlog reads the
    old row first), which is too slow for thousands of changes.
    """

    def __init__(self, people: dict[str, Resident]) -> None:
        self.people = people
        self.before = {a: copy.copy(r) for a, r in people.items()}
        self.created: set[str] = set()
        self.households: dict[str, tuple[str, str]] = {}  # atena_no -> (household_no, head_name)

    def register(
        self,
        *,
        atena_no: str,
        household_no: str,
        head_name: str,
        fields: dict[str, Any],
        became_resident_on: datetime.date | None,
        reason: str,
    ) -> Resident:
        resident = self.people.get(atena_no)
        if resident is None:
            resident = Resident(atena_no=atena_no)
            self.people[atena_no] = resident
            self.created.add(atena_no)
        _set(resident, fields)
        resident.status = Resident.Status.RESIDENT
        resident.became_resident_on = became_resident_on
        resident.became_resident_reason = reason
        resident.ceased_on = None
        resident.ceased_reason = ""
        self.households[atena_no] = (household_no, head_name)
        return resident

    def change(self, atena_no: str, changes: dict[str, Any]) -> None:
        _set(self.people[atena_no], changes)

    def change_address(self, atena_no: str, changes: dict[str, Any]) -> None:
        resident = self.people[atena_no]
        if resident.address and changes.get("address") and resident.address != changes["address"]:
            changes = {**changes, "prev_address": resident.address}
        _set(resident, changes)

    def change_household(self, atena_no: str, household_no: str, head_name: str, relations: dict[str, str]) -> None:
        _set(self.people[atena_no], relations)
        self.households[atena_no] = (household_no, head_name)

    def cease(self, atena_no: str, *, status: str, on: datetime.date, reason: str, next_address: str = "") -> None:
        resident = self.people[atena_no]
        if status == Resident.Status.DECEASED and on < resident.birth_date:
            raise ValueError("死亡日が生年月日より前です")
        if next_address:
            resident.next_address = next_address
        resident.status = status
        resident.ceased_on = on
        resident.ceased_reason = reason

    @transaction.atomic
    def write(self, *, actor: Any, origin: Origin) -> int:
        """Write everything; returns the number of people created or changed."""
        wanted: dict[str, str] = {}
        for no, head in self.households.values():
            wanted[no] = head or wanted.get(no, "")
        existing = {h.household_no: h for h in Household.objects.filter(household_no__in=wanted)}
        Household.objects.bulk_create(
            [Household(household_no=no, head_name=head) for no, head in wanted.items() if no not in existing]
        )
        households = {h.household_no: h for h in Household.objects.filter(household_no__in=wanted)}
        head_changes = [h for no, h in households.items() if wanted[no] and h.head_name != wanted[no]]
        for h in head_changes:
            h.head_name = wanted[h.household_no]
        Household.objects.bulk_update(head_changes, ["head_name"])
        for atena_no, (no, _head) in self.households.items():
            self.people[atena_no].household = households[no]

        now = timezone.now()
        new_people = [self.people[a] for a in sorted(self.created)]
        for r in new_people:
            resident_search_keys(r)
            r.created_at = r.updated_at = now
        Resident.objects.bulk_create(new_people, batch_size=1000)

        changed: list[tuple[Resident, dict[str, Any]]] = []
        for atena_no, old in self.before.items():
            new = self.people[atena_no]
            diff = model_instance_diff(old, new, fields_to_check=_CONCRETE)
            if diff:
                resident_search_keys(new)
                new.updated_at = now
                changed.append((new, diff))
        _update_rows([r for r, _ in changed])

        change_record_bulk(created=new_people, updated=changed, fields=_CONCRETE, actor=actor, origin=origin)
        return len(new_people) + len(changed)


# The columns a registry change may write (attnames), in the order of the temporary table.
_UPDATE_COLUMNS = [
    *REGISTER_FIELDS,
    "household_id",
    "status",
    "became_resident_on",
    "became_resident_reason",
    "ceased_on",
    "ceased_reason",
    "kana_key",
    "given_kana_key",
    "name_key",
    "address_key",
    "updated_at",
]
_SEARCH_KEYS = ("kana_key", "given_kana_key", "name_key", "address_key")
_CONCRETE = [f.name for f in Resident._meta.concrete_fields if f.name not in _SEARCH_KEYS]


def _update_rows(rows: list[Resident]) -> None:
    """UPDATE … FROM a COPY-filled temporary table: one statement for any number of people
    (Django's bulk_update builds a CASE per field and row, far too slow for thousands)."""
    if not rows:
        return
    cols = ", ".join(_UPDATE_COLUMNS)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS _register_batch")
        # the column names are this module's constants, never input
        create = f"CREATE TEMP TABLE _register_batch ON COMMIT DROP AS SELECT id, {cols} FROM residents_resident"  # noqa: S608
        cur.execute(create + " WITH NO DATA")
        with cur.copy(f"COPY _register_batch (id, {cols}) FROM STDIN") as copy_in:
            for r in rows:
                copy_in.write_row([r.pk, *(getattr(r, c) for c in _UPDATE_COLUMNS)])
        assignments = ", ".join(f"{c} = b.{c}" for c in _UPDATE_COLUMNS)
        cur.execute(f"UPDATE residents_resident r SET {assignments} FROM _register_batch b WHERE r.id = b.id")  # noqa: S608
        cur.execute("DROP TABLE _register_batch")
