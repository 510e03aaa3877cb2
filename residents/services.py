"""Writes and privileged reads on the register. The plain My Number leaves this module only through
`mynumber_reveal`, which checks the permission and writes the access record in one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.models import Event
from audit.services import Subject, access_record, changes_by
from core.kana import address_key, normalize_kana, normalize_text
from core.origin import Origin
from core.refusals import Outcome, record_refusal

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


def search_keys(*, name: str, name_kana: str, address: str) -> tuple[str, str, str, str]:
    """(kana_key, given_kana_key, name_key, address_key): the register's search columns, from plain values
    (the one rule: width, hiragana/katakana and spaces folded; the given name is what follows the space)."""
    given = (name_kana or "").replace("\u3000", " ").partition(" ")[2]
    return normalize_kana(name_kana), normalize_kana(given), normalize_text(name), address_key(address)


def resident_search_keys(resident: Resident) -> None:
    """Fill the normalized search columns (called by every service that writes names or addresses)."""
    resident.kana_key, resident.given_kana_key, resident.name_key, resident.address_key = search_keys(
        name=resident.name, name_kana=resident.name_kana, address=resident.address
    )


def can_use_mynumber(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(MYNUMBER_PERM))


def _require_mynumber_right(*, actor: Any, origin: Origin, action: str, resident: Resident | None) -> None:
    """The My Number door: without 番号利用事務従事者 the attempt is recorded and refused. Called before the
    service's transaction opens: raising PermissionDenied inside it would roll the record back."""
    if can_use_mynumber(actor):
        return
    record_refusal(
        actor=actor,
        action=action,
        outcome=Outcome.DENIED,
        origin=origin,
        subject_atena=resident.atena_no if resident else "",
        obj=resident,
    )
    raise PermissionDenied("個人番号を扱う権限がありません。")


def mynumber_register(*, resident: Resident, number: str, identity_check: str, actor: Any, origin: Origin) -> MyNumber:
    """Validate (check digit) and store a number encrypted; replaces the resident's previous number."""
    _require_mynumber_right(actor=actor, origin=origin, action="mynumber_register", resident=resident)
    number = mn.validate(number)
    key_id, ciphertext = mn.encrypt(number)
    with transaction.atomic(), changes_by(actor, origin):
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
            origin=origin,
            subject=subject_of(resident),
            purpose="個人番号の登録",
            detail={"identity_check": identity_check},
        )
    return record


def mynumber_reveal(*, actor: Any, origin: Origin, resident: Resident, purpose: str) -> str:
    """The only way to read a plain My Number: permission check and access record, or nothing."""
    _require_mynumber_right(actor=actor, origin=origin, action="mynumber_reveal", resident=resident)
    if not purpose.strip():
        raise ValueError("表示する理由(事務)を選んでください。")
    with transaction.atomic():
        record = MyNumber.objects.filter(resident=resident).first()
        access_record(
            event=Event.MYNUMBER_REVEAL,
            actor=actor,
            origin=origin,
            subject=subject_of(resident),
            purpose=purpose,
            outcome=Outcome.OK if record else Outcome.NOT_FOUND,
        )
        # decrypted inside the transaction: a number that cannot be read leaves no record of a reveal
        return mn.decrypt(record.key_id, record.ciphertext) if record else ""


def resident_find_by_mynumber(*, actor: Any, origin: Origin, number: str, purpose: str) -> Resident | None:
    """Exact search through the blind index; the criterion is logged as its blind index only."""
    _require_mynumber_right(actor=actor, origin=origin, action="mynumber_search", resident=None)
    number = mn.validate(number)
    index = mn.blind_index(number)
    with transaction.atomic():
        resident = Resident.objects.filter(mynumber__blind_index=index).first()
        access_record(
            event=Event.MYNUMBER_SEARCH,
            actor=actor,
            origin=origin,
            subject=subject_of(resident) if resident else None,
            purpose=purpose,
            detail={"criteria": {"mynumber_blind_index": index}, "result_count": int(resident is not None)},
        )
    return resident


def resident_view_record(*, actor: Any, origin: Origin, resident: Resident) -> None:
    access_record(
        event=Event.VIEW,
        actor=actor,
        origin=origin,
        subject=subject_of(resident),
        purpose=origin.purpose or "住民記録の照会",
    )


def resident_search_record(*, actor: Any, origin: Origin, criteria: dict[str, str], result_count: int) -> None:
    access_record(
        event=Event.SEARCH,
        actor=actor,
        origin=origin,
        purpose=origin.purpose or "住民の検索",
        detail={"criteria": criteria, "result_count": result_count},
    )
