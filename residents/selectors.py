"""Reads of the register shared by views, reports and other apps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core import wareki
from core.kana import address_key, looks_like_kana, normalize_kana, normalize_text

from .models import Resident, ResidentStatus


@dataclass
class SearchCriteria:
    atena_no: str = ""
    name: str = ""
    birth_date: datetime.date | None = None
    address: str = ""
    include_former: bool = False

    def is_empty(self) -> bool:
        return not (self.atena_no or self.name or self.birth_date or self.address)

    def for_log(self) -> dict[str, str]:
        out = {k: v for k, v in (("atena_no", self.atena_no), ("name", self.name), ("address", self.address)) if v}
        if self.birth_date:
            out["birth_date"] = self.birth_date.isoformat()
        if self.include_former:
            out["include_former"] = "1"
        return out


def resident_search(c: SearchCriteria) -> QuerySet[Resident]:
    """Prefix searches on normalized keys (btree varchar_pattern_ops indexes); exact 宛番号 and birth date."""
    qs = Resident.objects.all()
    if c.atena_no:
        qs = qs.filter(atena_no=normalize_text(c.atena_no))
    if c.name:
        tokens = [t for t in c.name.replace("\u3000", " ").split(" ") if t]
        if looks_like_kana(c.name):
            keys = [normalize_kana(t) for t in tokens]
            if len(keys) >= 2:
                qs = qs.filter(kana_key__startswith=keys[0], given_kana_key__startswith="".join(keys[1:]))
            else:
                qs = qs.filter(Q(kana_key__startswith=keys[0]) | Q(given_kana_key__startswith=keys[0]))
        else:
            qs = qs.filter(name_key__startswith=normalize_text("".join(tokens)))
    if c.birth_date:
        qs = qs.filter(birth_date=c.birth_date)
    if c.address:
        qs = qs.filter(address_key__startswith=address_key(c.address))
    if not c.include_former:
        qs = qs.filter(status=Resident.Status.RESIDENT)
    return qs.order_by("kana_key", "atena_no")


def parse_birth_date(text: str) -> datetime.date | None:
    return wareki.parse_date(text) if text.strip() else None


def status_as_of(resident: Resident, kind: str, on: datetime.date) -> ResidentStatus | None:
    """The status in force on `on`: among periods covering the day, the most recently recorded one."""
    return (
        ResidentStatus.objects.filter(resident=resident, kind=kind, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-recorded_at", "-id")
        .first()
    )


def status_history(resident: Resident) -> QuerySet[ResidentStatus]:
    return ResidentStatus.objects.filter(resident=resident).order_by("kind", "-valid_from", "-recorded_at")


def household_members(resident: Resident) -> QuerySet[Resident]:
    return Resident.objects.filter(household_id=resident.household_id).exclude(pk=resident.pk).order_by("birth_date")
