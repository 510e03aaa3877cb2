"""Intermediate server connector (中間サーバーコネクタ): number links, inquiries to other bodies and our
answers to theirs. Format: docs/formats/intermediate-server.md.

- Links: My Number ↔ 団体内統合宛名番号 (Resident.unified_no) ↔ 宛番号 (NumberLink).
- Inquiries (情報照会) only for items on the permitted list for the requesting business (permitted.py),
  by staff with `integration.network_inquiry`; each one is an Inquiry row and an access record, and a
  refusal is an access record too.
- Answers (情報提供) come from the registered copies (副本, ProvidedCopy); items flagged "no automatic
  answer" wait in a queue for a supervisor (`integration.approve_answer`).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record, access_record_bulk
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from residents.models import MyNumber, Resident
from residents.registry import resident_set_unified_no

from .models import Inquiry, NumberLink, ProvidedCopy, ProvisionRequest
from .permitted import PERMITTED_INQUIRIES, PROVISION_ITEMS, RELIEF, inquiry_allowed
from .simulator import NationalSideUnavailable, national

INQUIRY_PERM = "integration.network_inquiry"
APPROVE_PERM = "integration.approve_answer"


class InquiryRefused(PermissionDenied):
    """Not on the permitted list, or the user lacks the right: nothing was sent."""


def _subject(resident: Resident | None) -> Subject | None:
    return Subject(atena_no=resident.atena_no, obj=resident) if resident is not None else None


def unified_no_for(resident: Resident) -> str:
    """The 団体内統合宛名番号 the 宛名管理システム gives a person: 15 digits, '9' and the zero-padded 宛番号."""
    return resident.unified_no or f"9{resident.atena_no:0>14}"[:15]


@transaction.atomic
def link_ensure(*, resident: Resident) -> NumberLink | None:
    """Register the person's link at the intermediate server (紐付け登録); None without a My Number."""
    existing = NumberLink.objects.filter(resident=resident).first()
    number = MyNumber.objects.filter(resident=resident).first()
    if number is None:
        return None
    if existing is not None and existing.mynumber_blind_index == number.blind_index:
        return existing
    unified_no = unified_no_for(resident)
    resident_set_unified_no(resident=resident, unified_no=unified_no, actor=None, origin=Origin.batch())
    link, _ = NumberLink.objects.update_or_create(
        resident=resident,
        defaults={
            "unified_no": unified_no,
            "mynumber_blind_index": number.blind_index,
            "registered_at": timezone.now(),
        },
    )
    national().register_link(unified_no=unified_no, blind_index=number.blind_index)
    return link


def _refuse(*, actor: Any, origin: Origin | None, resident: Resident, why: str, detail: dict[str, str]) -> NoReturn:
    record_refusal(
        actor=actor,
        action="network_inquiry",
        outcome=Outcome.DENIED,
        origin=origin,
        subject_atena=resident.atena_no,
        obj=resident,
        purpose="情報照会",
        reason=why,
        **detail,
    )
    raise InquiryRefused(why)


def inquiry_send(
    *,
    actor: Any,
    origin: Origin | None,
    resident: Resident,
    item_code: str,
    business: str,
    purpose: str = "",
) -> Inquiry:
    """Ask another body through the network. Refused (and recorded) unless the item is permitted for the
    business and the actor holds the right; the legal basis and the requesting business are stored.
    `origin` is None for the adapters, which are called without one (core.adapters)."""
    detail = {"item": item_code, "business": business}
    if not (actor and actor.is_authenticated and actor.has_perm(INQUIRY_PERM)):
        _refuse(actor=actor, origin=origin, resident=resident, why="情報照会の権限がありません。", detail=detail)
    item = inquiry_allowed(item_code, business)
    if item is None:
        _refuse(
            actor=actor,
            origin=origin,
            resident=resident,
            why="照会許可用照合リストにない照会です(項目と事務の組合せが許可されていません)。",
            detail=detail,
        )
    with transaction.atomic():
        link = link_ensure(resident=resident)
        status, answer, message = Inquiry.Status.ERROR, {}, ""
        if link is None:
            message = "個人番号が登録されていないため照会できません。"
        else:
            try:
                got = national().inquire(item_code=item.code, unified_no=link.unified_no)
            except NationalSideUnavailable as exc:
                message = f"情報提供ネットワークに接続できませんでした: {exc}"
            else:
                if got is None:
                    status, message = Inquiry.Status.NO_DATA, "照会先に該当する情報がありません。"
                else:
                    status, answer, message = Inquiry.Status.ANSWERED, got, "回答を受信しました。"
        inquiry = Inquiry.objects.create(
            item_code=item.code,
            business=business,
            legal_basis=item.legal_basis,
            resident=resident,
            unified_no=link.unified_no if link else "",
            requested_by=actor,
            purpose=purpose[:200],
            status=status,
            answer=answer,
            message=message,
        )
        access_record(
            event=Event.MYNUMBER_USE,
            actor=actor,
            origin=origin,
            subject=_subject(resident),
            purpose=business,
            detail={
                "network_inquiry": item.code,
                "inquiry_id": inquiry.pk,
                "legal_basis": item.legal_basis,
                "provider": item.provider,
                "result": status,
            },
            # "error" is not a refusal: the inquiry was allowed and made, the network did not answer
            outcome=Outcome.OK if status != Inquiry.Status.ERROR else Outcome.ERROR,
        )
    return inquiry


def public_funds_account_lookup(resident: Resident, *, requested_by: Any, purpose: str) -> dict[str, str] | None:
    """The relief adapter (settings.ADAPTERS["PUBLIC_FUNDS_ACCOUNT"]): 公金受取口座 via the network.

    Returns {"bank_code","bank_name","branch_code","branch_name","account_type","account_no",
    "holder_kana"}, or None when the person registered no account (or has no My Number link).
    Raises PermissionDenied (recorded) when the actor may not make network inquiries."""
    inquiry = inquiry_send(
        actor=requested_by,
        origin=None,
        resident=resident,
        item_code="public_funds_account",
        business=RELIEF,
        purpose=purpose,
    )
    if inquiry.status != Inquiry.Status.ANSWERED:
        return None
    keys = ("bank_code", "bank_name", "branch_code", "branch_name", "account_type", "account_no", "holder_kana")
    return {k: str(inquiry.answer.get(k, "")) for k in keys}


# -- 副本 and answers to other bodies ---------------------------------------------------------------


@transaction.atomic
def copy_register(*, resident: Resident, item_code: str, payload: dict[str, Any]) -> ProvidedCopy:
    """Register (or replace) the 副本 of one provision item for one person."""
    if item_code not in PROVISION_ITEMS:
        raise ValueError(f"提供項目 {item_code} は登録されていません。")
    copy, _ = ProvidedCopy.objects.update_or_create(
        item_code=item_code, resident=resident, defaults={"payload": payload, "registered_at": timezone.now()}
    )
    return copy


@transaction.atomic
def provision_receive(
    *, request_id: str, requester: str, requester_business: str, item_code: str, unified_no: str
) -> ProvisionRequest:
    """Another body's inquiry arrives. Auto-answer items are answered at once from the 副本; items with
    the no-automatic-answer flag wait for approval. A repeated request id returns the first row."""
    existing = ProvisionRequest.objects.filter(request_id=request_id).first()
    if existing is not None:
        return existing
    link = NumberLink.objects.select_related("resident").filter(unified_no=unified_no).first()
    resident = link.resident if link else None
    item = PROVISION_ITEMS.get(item_code)
    req = ProvisionRequest(
        request_id=request_id,
        requester=requester,
        requester_business=requester_business,
        item_code=item_code,
        resident=resident,
    )
    copy = ProvidedCopy.objects.filter(item_code=item_code, resident=resident).first() if resident else None
    if item is None or resident is None or copy is None:
        req.status = ProvisionRequest.Status.NO_DATA
        req.save()
        national().deliver_answer(request_id=request_id, payload={"status": "no_data"})
    elif item.auto_answer:
        req.status = ProvisionRequest.Status.AUTO_ANSWERED
        req.answer = copy.payload
        req.decided_at = timezone.now()
        req.save()
        national().deliver_answer(request_id=request_id, payload={"status": "answered", "data": copy.payload})
    else:
        req.status = ProvisionRequest.Status.PENDING
        req.save()
    access_record(
        event=Event.EXPORT if req.status == ProvisionRequest.Status.AUTO_ANSWERED else Event.BATCH,
        subject=_subject(resident),
        purpose="情報提供(他機関からの照会)",
        detail={"request_id": request_id, "requester": requester, "item": item_code, "status": req.status},
    )
    return req


def provision_decide(
    *, actor: Any, origin: Origin, provision: ProvisionRequest, approve: bool, note: str = ""
) -> ProvisionRequest:
    """A supervisor approves (answer sent from the 副本) or refuses a queued answer."""
    if not (actor and actor.is_authenticated and actor.has_perm(APPROVE_PERM)):
        record_refusal(
            actor=actor,
            action="provision_decide",
            outcome=Outcome.DENIED,
            origin=origin,
            subject_atena=provision.resident.atena_no if provision.resident else "",
            obj=provision.resident,
            purpose="情報提供の承認",
            request_id=provision.request_id,
        )
        raise PermissionDenied("情報提供を承認する権限がありません。")
    with transaction.atomic():
        locked = ProvisionRequest.objects.select_for_update().get(pk=provision.pk)
        if locked.status != ProvisionRequest.Status.PENDING:
            raise ValueError("この照会は既に処理されています。")
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note[:200]
        if approve:
            copy = ProvidedCopy.objects.filter(item_code=locked.item_code, resident=locked.resident).first()
            locked.answer = copy.payload if copy else {}
            locked.status = ProvisionRequest.Status.APPROVED
            national().deliver_answer(
                request_id=locked.request_id, payload={"status": "answered", "data": locked.answer}
            )
        else:
            locked.status = ProvisionRequest.Status.REJECTED
            national().deliver_answer(request_id=locked.request_id, payload={"status": "refused"})
        locked.save()
        access_record(
            event=Event.EXPORT if approve else Event.UPDATE,
            actor=actor,
            origin=origin,
            subject=_subject(locked.resident),
            purpose="情報提供の承認" if approve else "情報提供の不承認",
            detail={"request_id": locked.request_id, "item": locked.item_code, "note": note[:200]},
        )
    return locked


def item_name(code: str) -> str:
    item = PERMITTED_INQUIRIES.get(code) or PROVISION_ITEMS.get(code)
    return item.name if item else code


def copies_refresh_vaccination_history(*, chunk: int = 2000) -> int:
    """Re-register the 副本 of vaccination history for every linked person from the verified records
    (immunization), so automatic answers reflect what the city holds. Returns copies written."""
    from immunization.selectors import verified

    written = 0
    links = NumberLink.objects.order_by("resident_id").values_list("resident_id", flat=True)
    ids = list(links)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        history: dict[int, list[dict[str, str]]] = {i: [] for i in part}
        rows = (
            verified()
            .filter(resident_id__in=part, vaccinated_on__isnull=False)
            .order_by("resident_id", "vaccinated_on", "id")
            .values_list("resident_id", "dose_code", "vaccinated_on")
        )
        for resident_id, code, on in rows:
            assert on is not None  # filtered above
            history[resident_id].append({"vaccine": code, "dose": "", "date": on.isoformat(), "city": "岡崎市"})
        with transaction.atomic():
            existing = {
                c.resident_id: c
                for c in ProvidedCopy.objects.filter(item_code="vaccination_history", resident_id__in=part)
            }
            now = timezone.now()
            for resident_id, records in history.items():
                payload = {"records": records}
                copy = existing.get(resident_id)
                if copy is None:
                    ProvidedCopy.objects.create(
                        item_code="vaccination_history", resident_id=resident_id, payload=payload, registered_at=now
                    )
                elif copy.payload != payload:
                    copy.payload = payload
                    copy.registered_at = now
                    copy.save(update_fields=["payload", "registered_at"])
                else:
                    continue
                written += 1
    return written


def links_sync(*, chunk: int = 5000) -> int:
    """Register at the intermediate server every person whose My Number has no link yet, or whose
    number changed since (a nightly job; the adapters also link on first use). Returns links written."""
    written = 0
    while True:
        todo = list(
            Resident.objects.filter(mynumber__isnull=False)
            .exclude(number_link__isnull=False, number_link__mynumber_blind_index=models.F("mynumber__blind_index"))
            .order_by("id")[:chunk]
        )
        if not todo:
            return written
        with transaction.atomic():
            for resident in todo:
                link_ensure(resident=resident)
            access_record_bulk(
                event=Event.MYNUMBER_USE,
                actor=None,
                subjects=[Subject(atena_no=r.atena_no, obj=r) for r in todo],
                purpose="中間サーバーへの紐付け登録",
            )
        written += len(todo)
