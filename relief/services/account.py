"""振込口座: the payee account of a claim, either the claimant's public-funds account (公金受取口座, asked of
the intermediate server through core.adapters, the My Number use recorded) or the account the claimant
declared on the claim form; both brought into one normal form first."""

from __future__ import annotations

import logging
from typing import Any

import jaconv
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import Event
from audit.services import Subject, access_record
from core.adapters import public_funds_account
from core.origin import Origin
from core.refusals import Outcome, record_refusal

from ..models import Claim, ClaimEvent, PayeeAccount
from ._shared import PURPOSE, require_handle, today

logger = logging.getLogger(__name__)

ACCOUNT_TYPE_NAMES = {"普通": "1", "普通預金": "1", "当座": "2", "当座預金": "2", "貯蓄": "4", "貯蓄預金": "4"}
KANA_EXTRA = set("ー　 ()（）．.・-‐")


def account_normalize(values: dict[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Bring an account (typed by staff or answered by the intermediate server) into our form:
    half-width digits, 7-digit zero-padded account number, the type as its code (1 普通, 2 当座, 4 貯蓄),
    the holder in full-width katakana. Returns (values, errors in Japanese)."""

    def digits(name: str) -> str:
        return jaconv.z2h(str(values.get(name, "") or "").strip(), digit=True, ascii=True, kana=False)

    v = {
        "bank_code": digits("bank_code"),
        "branch_code": digits("branch_code"),
        "account_no": digits("account_no"),
        "bank_name": str(values.get("bank_name", "") or "").strip(),
        "branch_name": str(values.get("branch_name", "") or "").strip(),
        "holder_kana": jaconv.h2z(str(values.get("holder_kana", "") or "").strip(), kana=True),
    }
    kind = digits("account_type")
    v["account_type"] = ACCOUNT_TYPE_NAMES.get(kind, kind)
    errors: dict[str, list[str]] = {}
    if not (v["bank_code"].isdigit() and len(v["bank_code"]) == 4):
        errors["bank_code"] = ["金融機関コードは4桁の数字です。"]
    if not (v["branch_code"].isdigit() and len(v["branch_code"]) == 3):
        errors["branch_code"] = ["支店コードは3桁の数字です。"]
    if v["account_no"].isdigit() and len(v["account_no"]) < 7:
        v["account_no"] = v["account_no"].zfill(7)
    if not (v["account_no"].isdigit() and len(v["account_no"]) == 7):
        errors["account_no"] = ["口座番号は7桁以内の数字です。"]
    if v["account_type"] not in PayeeAccount.AccountType.values:
        errors["account_type"] = ["預金種目を選んでください。"]
    if not v["bank_name"]:
        errors["bank_name"] = ["金融機関名を入力してください。"]
    if not v["branch_name"]:
        errors["branch_name"] = ["支店名を入力してください。"]
    if not v["holder_kana"] or not all("ァ" <= c <= "ヶ" or c in KANA_EXTRA for c in v["holder_kana"]):
        errors["holder_kana"] = ["口座名義はカタカナで入力してください。"]
    return v, errors


def account_fetch_public_funds(*, actor: Any, origin: Origin, claim: Claim) -> PayeeAccount | None:
    """Ask the intermediate server for the claimant's public-funds account (公金受取口座).

    The lookup uses the claimant's My Number inside the adapter; that use is recorded here in the
    claim's context (event mynumber_use, purpose 健康被害の救済) whether or not an account is found.
    None means the claimant has none registered (or no My Number link): the declared account is used
    instead. An answer that is not a usable account is recorded as such (outcome "invalid") and not stored.
    """
    require_handle(actor, claim)
    claimant = claim.claimant_resident
    if claimant is None:
        return None
    found = public_funds_account()(claimant, requested_by=actor, purpose=PURPOSE)
    values, errors = account_normalize(found) if found else ({}, {})
    with transaction.atomic(durable=True):
        access_record(
            event=Event.MYNUMBER_USE,
            actor=actor,
            origin=origin,
            subject=Subject(atena_no=claimant.atena_no, obj=claimant),
            purpose=PURPOSE,
            detail={
                "claim_no": claim.claim_no,
                "lookup": "public_funds_account",
                "found": bool(found),
                "unusable_fields": sorted(errors),
            },
            outcome=(Outcome.INVALID if errors else Outcome.OK) if found else Outcome.NOT_FOUND,
        )
        if not found or errors:
            if errors:
                logger.warning("public funds account answer unusable for claim %s: %s", claim.pk, sorted(errors))
            return None
        account, _ = PayeeAccount.objects.update_or_create(
            claim=claim, defaults={**values, "source": PayeeAccount.Source.PUBLIC_FUNDS, "recorded_by": actor}
        )
        ClaimEvent.objects.create(claim=claim, action="公金受取口座を取得", actor=actor, on_date=today())
    return account


def account_declare(*, actor: Any, origin: Origin, claim: Claim, values: dict[str, str]) -> PayeeAccount:
    """Record the account the claimant declared on the claim form."""
    require_handle(actor, claim)
    v, errors = account_normalize(values)
    if errors:
        record_refusal(
            actor=actor,
            action="account_declare",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=claim.resident.atena_no,
            obj=claim,
            purpose=PURPOSE,
            errors=errors,
        )
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        account, _ = PayeeAccount.objects.update_or_create(
            claim=claim, defaults={**v, "source": PayeeAccount.Source.DECLARED, "recorded_by": actor}
        )
        ClaimEvent.objects.create(claim=claim, action="申出口座を登録", actor=actor, on_date=today())
    return account
