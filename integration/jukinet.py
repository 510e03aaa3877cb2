"""住基ネット 本人確認: does a My Number belong to the person with this name, sex, birth date and address?
Format: docs/formats/jukinet-verify.md. Adapter for settings.ADAPTERS["JUKINET_VERIFY"].

Used at the counter when no card is shown (PIA III-2 R3). Only staff with `residents.use_mynumber`;
each check is an access record holding the blind index, never the number."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.models import Event
from audit.services import Subject, access_record
from core.kana import address_key, normalize_text
from core.refusals import Outcome, record_refusal
from residents import mynumber as mn
from residents.models import Resident
from residents.services import can_use_mynumber

from .simulator import national

FIELDS = ("name", "sex", "birth_date", "address")
PURPOSE = "住基ネット本人確認"


def _address_key(text: str) -> str:
    # A full address and one written from the city name on are the same place (core.kana.address_key).
    key = address_key(text)
    return key.replace("丁目", "-").replace("番地", "-").replace("番", "-").replace("号", "").rstrip("-")


def _compare(held: dict[str, Any], *, name: str, sex: str, birth_date: datetime.date, address: str) -> dict[str, str]:
    def verdict(ok: bool) -> str:
        return "match" if ok else "mismatch"

    return {
        "name": verdict(normalize_text(held["name"]) == normalize_text(name)),
        "sex": verdict(str(held["sex"]) == str(sex)),
        "birth_date": verdict(held["birth_date"] == birth_date.isoformat()),
        "address": verdict(_address_key(held["address"]) == _address_key(address)),
    }


def verify_mynumber(
    *, mynumber: str, name: str, sex: str, birth_date: datetime.date, address: str, requested_by: Any
) -> dict[str, Any]:
    """{"result": "match"|"mismatch"|"not_found", "fields": {field: "match"|"mismatch"}, "message": str}.

    A number failing the check digit is "not_found" without asking 住基ネット."""
    if not can_use_mynumber(requested_by):
        record_refusal(actor=requested_by, action="jukinet_verify", outcome=Outcome.DENIED, purpose=PURPOSE)
        raise PermissionDenied("個人番号を扱う権限がありません。")
    number = mn.normalize(mynumber)
    index = mn.blind_index(number) if number.isascii() and number.isdigit() else ""
    if not mn.is_valid(number):
        out: dict[str, Any] = {
            "result": "not_found",
            "fields": {},
            "message": "個人番号の形式または検査用数字が正しくありません。",
        }
    else:
        held = national().juki_lookup(index)
        if held is None:
            out = {"result": "not_found", "fields": {}, "message": "住基ネットに該当する個人番号がありません。"}
        else:
            fields = _compare(held, name=name, sex=sex, birth_date=birth_date, address=address)
            ok = all(v == "match" for v in fields.values())
            out = {
                "result": "match" if ok else "mismatch",
                "fields": fields,
                "message": "本人確認情報と一致しました。" if ok else "本人確認情報と一致しない項目があります。",
            }
    resident = Resident.objects.filter(mynumber__blind_index=index).first() if index else None
    with transaction.atomic():
        access_record(
            event=Event.MYNUMBER_USE,
            actor=requested_by,
            subject=Subject(atena_no=resident.atena_no, obj=resident) if resident else None,
            purpose=PURPOSE,
            detail={"mynumber_blind_index": index, "result": out["result"], "fields": out["fields"]},
        )
    return out
