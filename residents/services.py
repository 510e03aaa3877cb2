"""Writes and privileged reads on the register. The plain My Number leaves this module only through
`mynumber_reveal`, which checks the permission and writes the access record in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from audit.models import Event
from audit.services import Subject, access_record
from core.kana import address_key, normalize_kana, normalize_text

from . import mynumber as mn
from .models import MyNumber, Resident

MYNUMBER_PERM = "residents.use_mynumber"

# The four businesses in which the My Number may be used (PIA I-1), offered as the purpose of a reveal.
PURPOSES = [
    "対象者の把握・通知",
    "予防接種記録の管理",
    "実費の徴収",
    "健康被害の救済",
    "本人からの照会への回答",
]


def subject_of(resident: Resident) -> Subject:
    return Subject(atena_no=resident.atena_no, obj=resident)


def resident_search_keys(resident: Resident) -> None:
    """Fill the normalized search columns (called by every service that writes names or addresses)."""
    _family, _, given = (resident.name_kana or "").replace("\u3000", " ").partition(" ")
    resident.kana_key = normalize_kana(resident.name_kana)
    resident.given_kana_key = normalize_kana(given)
    resident.name_key = normalize_text(resident.name)
    resident.address_key = address_key(resident.address)


def can_use_mynumber(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MYNUMBER_PERM))


def _refuse(user: Any, request: HttpRequest | None, resident: Resident | None, what: str) -> None:
    access_record(
        event=Event.DENIED,
        actor=user,
        request=request,
        subject=subject_of(resident) if resident else None,
        detail={"requested": what},
        outcome="denied",
    )
    raise PermissionDenied("個人番号を扱う権限がありません。")


@transaction.atomic
def mynumber_register(
    *, resident: Resident, number: str, identity_check: str, actor: Any, request: HttpRequest | None = None
) -> MyNumber:
    """Validate (check digit) and store a number encrypted; replaces the resident's previous number."""
    if not can_use_mynumber(actor):
        _refuse(actor, request, resident, "mynumber_register")
    number = mn.validate(number)
    key_id, ciphertext = mn.encrypt(number)
    record, _ = MyNumber.objects.update_or_create(
        resident=resident,
        defaults={
            "key_id": key_id,
            "ciphertext": ciphertext,
            "blind_index": mn.blind_index(number),
            "identity_check": identity_check,
        },
    )
    access_record(
        event=Event.MYNUMBER_USE,
        actor=actor,
        request=request,
        subject=subject_of(resident),
        purpose="個人番号の登録",
        detail={"identity_check": identity_check},
    )
    return record


@transaction.atomic
def mynumber_reveal(*, user: Any, resident: Resident, purpose: str, request: HttpRequest | None = None) -> str:
    """The only way to read a plain My Number: permission check and access record, or nothing."""
    if not can_use_mynumber(user):
        _refuse(user, request, resident, "mynumber_reveal")
    if not purpose.strip():
        raise ValueError("表示する理由(事務)を選んでください。")
    record = MyNumber.objects.filter(resident=resident).first()
    access_record(
        event=Event.MYNUMBER_REVEAL,
        actor=user,
        request=request,
        subject=subject_of(resident),
        purpose=purpose,
        outcome="ok" if record else "not_registered",
    )
    if record is None:
        return ""
    return mn.decrypt(record.key_id, record.ciphertext)


@transaction.atomic
def resident_find_by_mynumber(
    *, user: Any, number: str, purpose: str, request: HttpRequest | None = None
) -> Resident | None:
    """Exact search through the blind index; the criterion is logged as its blind index only."""
    if not can_use_mynumber(user):
        _refuse(user, request, None, "mynumber_search")
    number = mn.validate(number)
    index = mn.blind_index(number)
    resident = Resident.objects.filter(mynumber__blind_index=index).first()
    access_record(
        event=Event.MYNUMBER_SEARCH,
        actor=user,
        request=request,
        subject=subject_of(resident) if resident else None,
        purpose=purpose,
        detail={"criteria": {"mynumber_blind_index": index}, "result_count": int(resident is not None)},
    )
    return resident


def resident_view_record(*, user: Any, resident: Resident, request: HttpRequest | None, purpose: str = "") -> None:
    access_record(
        event=Event.VIEW, actor=user, request=request, subject=subject_of(resident), purpose=purpose or "住民記録の照会"
    )


def resident_search_record(
    *, user: Any, request: HttpRequest | None, criteria: dict[str, str], result_count: int, purpose: str = ""
) -> None:
    access_record(
        event=Event.SEARCH,
        actor=user,
        request=request,
        purpose=purpose or "住民の検索",
        detail={"criteria": criteria, "result_count": result_count},
    )
