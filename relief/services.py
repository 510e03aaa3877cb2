"""Every write of the relief business: intake, workflow, assignment, documents, letters, the payee
account, payments and the finance CSV. Keyword-only functions, one transaction each.

Bad input raises django.core.exceptions.ValidationError with Japanese messages before anything is
stored; the refused attempt itself is written to the audit trail (outside the rolled-back work).
"""

from __future__ import annotations

import calendar
import csv
import datetime
import hashlib
import io
import logging
from dataclasses import dataclass, field
from typing import Any

import jaconv
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm

from audit.models import Event
from audit.services import Subject, access_record, access_record_bulk
from core.adapters import get_adapter
from core.legal_age import age_years, fiscal_year
from core.wareki import format_wareki
from residents.models import Resident

from . import storage
from .access import ACCESS, CHANGE, VIEW, can_handle, is_supervisor
from .letters import render_pdf
from .models import (
    BenefitRate,
    Claim,
    ClaimDocument,
    ClaimEvent,
    ClaimLetter,
    LetterKind,
    PayeeAccount,
    Payment,
    PaymentExport,
    Result,
    State,
)
from .rules import (
    DEATH_BENEFITS,
    EARLIER_PAID_SHORTENS,
    MEDICAL_BENEFITS,
    PAY_KIND,
    PENSION_PAY_MONTHS,
    Benefit,
    PayKind,
    Relationship,
    VaccineClass,
    benefit_available,
    claim_deadline,
)
from .vaccines import is_known, vaccine_class

logger = logging.getLogger(__name__)

PURPOSE = "健康被害の救済"
PAY_DAY = 15  # pension instalments and lump sums are scheduled on the 15th

UPLOAD_TYPES: dict[str, tuple[tuple[bytes, ...], tuple[str, ...]]] = {
    # content type -> (magic numbers, allowed extensions); the bytes decide, not the browser's claim
    "application/pdf": ((b"%PDF-",), (".pdf",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
    "image/tiff": ((b"II*\x00", b"MM\x00*"), (".tif", ".tiff")),
}


def upload_limit() -> int:
    from django.conf import settings

    return int(getattr(settings, "RELIEF_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def _subject(claim: Claim) -> Subject:
    return Subject(atena_no=claim.resident.atena_no, obj=claim)


def _refused(
    *, actor: Any, request: HttpRequest | None, action: str, errors: dict[str, list[str]], subject: Subject | None
) -> ValidationError:
    """Record a refused attempt (who, what, which fields) and return the error to raise."""
    access_record(
        event=Event.DENIED,
        actor=actor,
        request=request,
        subject=subject,
        purpose=PURPOSE,
        detail={"action": action, "fields": sorted(errors), "messages": [m for ms in errors.values() for m in ms]},
        outcome="invalid",
    )
    return ValidationError(errors)


def _require_handle(actor: Any, claim: Claim) -> None:
    if not can_handle(actor, claim):
        raise PermissionDenied("この申請を扱う権限がありません。")


def _today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------- intake


@dataclass
class ClaimIntake:
    resident: Resident
    relationship: str
    vaccine_code: str
    vaccinated_on: datetime.date | None
    benefit: str
    injury: str
    onset_on: datetime.date
    received_on: datetime.date
    claimant_resident: Resident | None = None
    claimant_name: str = ""
    claimant_kana: str = ""
    claimant_postal_code: str = ""
    claimant_address: str = ""
    claimant_phone: str = ""
    dose_label: str = ""
    vaccinated_at: str = ""
    treatment_from: datetime.date | None = None
    treatment_to: datetime.date | None = None
    costs_paid_on: datetime.date | None = None
    death_on: datetime.date | None = None
    hospital: str = ""
    late_reason: str = ""
    records: list[Any] = field(default_factory=list)  # immunization.VaccinationRecord
    errors: dict[str, list[str]] = field(default_factory=dict)

    def err(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _validate_intake(data: ClaimIntake, today: datetime.date) -> tuple[str, Any]:
    """Check the intake; fills data.errors; returns (vaccine class, deadline)."""
    if data.records:
        _take_from_records(data)
    if data.errors:
        return "", None
    if not data.vaccine_code or data.vaccinated_on is None:
        data.err("vaccine_code", "接種記録を選ぶか、接種区分と接種日を入力してください。")
        return "", None
    # a verified record's dose code was checked when the record was verified; a typed one is checked here
    known = bool(data.records) or is_known(data.vaccine_code)
    vclass = vaccine_class(data.vaccine_code) if known else ""
    if not vclass:
        data.err("vaccine_code", "接種区分を選んでください。")
    if data.benefit not in Benefit.values:
        data.err("benefit", "請求する給付を選んでください。")
    elif vclass and not benefit_available(vclass, data.benefit):
        data.err(
            "benefit",
            f"「{Benefit(data.benefit).label}」は{VaccineClass(vclass).label}の予防接種による健康被害には"
            "支給されません。",
        )
    if data.relationship not in Relationship.values:
        data.err("relationship", "請求者の続柄を選んでください。")
    if not data.injury.strip():
        data.err("injury", "健康被害の状況を入力してください。")

    # dates: vaccination -> onset -> treatment -> costs paid; death after onset; all on or before the receipt
    d = data
    for name, value, label in [
        ("vaccinated_on", d.vaccinated_on, "接種日"),
        ("onset_on", d.onset_on, "発症日"),
        ("treatment_from", d.treatment_from, "治療開始日"),
        ("treatment_to", d.treatment_to, "治療終了日"),
        ("costs_paid_on", d.costs_paid_on, "医療費を支払った日"),
        ("death_on", d.death_on, "死亡日"),
        ("received_on", d.received_on, "受付日"),
    ]:
        if value is not None and value > today:
            d.err(name, f"{label}に未来の日付は入力できません。")
    if d.vaccinated_on < d.resident.birth_date:
        d.err("vaccinated_on", "接種日が被接種者の生年月日より前です。")
    if d.onset_on < d.vaccinated_on:
        d.err("onset_on", "発症日が接種日より前です。")
    if d.treatment_from and d.treatment_from < d.onset_on:
        d.err("treatment_from", "治療開始日が発症日より前です。")
    if d.treatment_to and (d.treatment_from is None or d.treatment_to < d.treatment_from):
        d.err("treatment_to", "治療終了日が治療開始日より前(または治療開始日が未入力)です。")
    if d.costs_paid_on and d.treatment_from and d.costs_paid_on < d.treatment_from:
        d.err("costs_paid_on", "医療費を支払った日が治療開始日より前です。")
    if d.death_on and d.death_on < d.onset_on:
        d.err("death_on", "死亡日が発症日より前です。")
    if d.received_on < d.onset_on:
        d.err("received_on", "受付日が発症日より前です。")
    if d.death_on and d.received_on < d.death_on:
        d.err("received_on", "受付日が死亡日より前です。")

    # who claims what
    if d.benefit in DEATH_BENEFITS:
        if d.death_on is None:
            d.err("death_on", "死亡に関する給付には死亡日が必要です。")
        if d.relationship != Relationship.BEREAVED:
            d.err("relationship", "死亡一時金・遺族年金・遺族一時金・葬祭料は遺族が請求します。")
    elif d.relationship == Relationship.BEREAVED:
        d.err("relationship", "遺族が請求できるのは死亡に関する給付だけです。")
    elif d.death_on is not None:
        d.err("death_on", "死亡に関する給付でない請求に死亡日は入力しません。")
    if d.benefit in MEDICAL_BENEFITS and d.treatment_from is None:
        d.err("treatment_from", "医療費・医療手当の請求には治療開始日が必要です。")
    if d.benefit in MEDICAL_BENEFITS and vclass == VaccineClass.B and d.costs_paid_on is None:
        d.err("costs_paid_on", "B類疾病の医療費・医療手当は、請求期限の起算日(医療費を支払った日)が必要です。")
    age = age_years(d.resident.birth_date, d.received_on)  # legal age: N is reached the day before the birthday
    if d.benefit == Benefit.CHILD_PENSION:
        if age >= 18:
            d.err("benefit", "障害児養育年金は18歳未満の方が対象です(18歳以上は障害年金)。")
        if d.relationship != Relationship.GUARDIAN:
            d.err("relationship", "障害児養育年金は保護者が請求します。")
    if d.benefit == Benefit.DISABILITY_PENSION and age < 18:
        d.err("benefit", "障害年金は18歳以上の方が対象です(18歳未満は障害児養育年金)。")
    if d.relationship == Relationship.SELF and d.claimant_resident and d.claimant_resident != d.resident:
        d.err("relationship", "続柄が本人のときは、請求者は被接種者本人です。")
    if d.relationship != Relationship.SELF and not (d.claimant_resident or d.claimant_name.strip()):
        d.err("claimant_name", "請求者の氏名を入力してください。")
    if d.relationship != Relationship.SELF and not (d.claimant_resident or d.claimant_address.strip()):
        d.err("claimant_address", "請求者の住所を入力してください。")

    earlier_paid = Payment.objects.filter(
        claim__resident=d.resident,
        claim__benefit__in=list(EARLIER_PAID_SHORTENS),
        claim__vaccine_code=d.vaccine_code,
        claim__vaccinated_on=d.vaccinated_on,
        status=Payment.Status.PAID,
    ).exists()
    deadline = claim_deadline(
        vaccine_class=vclass,
        benefit=d.benefit,
        costs_paid_on=d.costs_paid_on,
        death_date=d.death_on,
        earlier_benefit_paid=earlier_paid,
    )
    if deadline.due and d.received_on > deadline.due and not d.late_reason.strip():
        d.err(
            "late_reason",
            f"請求期限({format_wareki(deadline.due)}、{deadline.basis})を過ぎています。"
            "期限後に受け付ける理由を入力してください。",
        )
    return vclass, deadline


def _take_from_records(data: ClaimIntake) -> None:
    """The claim concerns these verified records of the vaccinated person; the dose it is about is the
    latest one given on or before the onset."""
    for rec in data.records:
        if rec.resident_id != data.resident.pk:
            data.err("records", "選んだ接種記録は、この被接種者のものではありません。")
            return
        if rec.status != "verified" or rec.vaccinated_on is None:
            data.err("records", "照合済で接種日のある接種記録だけを選べます。")
            return
    before = [r for r in data.records if r.vaccinated_on <= data.onset_on] or list(data.records)
    primary = max(before, key=lambda r: (r.vaccinated_on, r.pk))
    data.vaccine_code = primary.dose_code
    data.vaccinated_on = primary.vaccinated_on
    if not data.vaccinated_at and getattr(primary, "institution", None) is not None:
        data.vaccinated_at = primary.institution.name[:100]


def _next_claim_no(received_on: datetime.date) -> str:
    fy = fiscal_year(received_on)
    prefix = f"{fy}-"
    last = Claim.objects.filter(claim_no__startswith=prefix).aggregate(m=Max("claim_no"))["m"]
    n = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{n:05d}"


def claim_create(*, actor: Any, data: ClaimIntake, request: HttpRequest | None = None) -> Claim:
    """Receive a claim. The worker who receives it is assigned to it (the supervisor can change that)."""
    if not (actor.has_perm(ACCESS)):
        raise PermissionDenied("健康被害救済業務の権限がありません。")
    vclass, deadline = _validate_intake(data, _today())
    if data.errors:
        raise _refused(
            actor=actor,
            request=request,
            action="claim_create",
            errors=data.errors,
            subject=Subject(atena_no=data.resident.atena_no),
        )
    for _attempt in range(3):
        try:
            return _claim_insert(actor=actor, data=data, vclass=vclass, deadline=deadline, request=request)
        except IntegrityError as exc:  # two intakes took the same number: take the next one
            if "claim_no" not in str(exc):
                raise
    raise RuntimeError("受付番号を採番できませんでした。")


@transaction.atomic(durable=True)
def _claim_insert(*, actor: Any, data: ClaimIntake, vclass: str, deadline: Any, request: HttpRequest | None) -> Claim:
    claimant = data.resident if data.relationship == Relationship.SELF else data.claimant_resident
    claim = Claim.objects.create(
        claim_no=_next_claim_no(data.received_on),
        resident=data.resident,
        relationship=data.relationship,
        claimant_resident=claimant,
        claimant_name=data.claimant_name.strip() or (claimant.name if claimant else ""),
        claimant_kana=data.claimant_kana.strip() or (claimant.name_kana if claimant else ""),
        claimant_postal_code=data.claimant_postal_code.strip() or (claimant.postal_code if claimant else ""),
        claimant_address=data.claimant_address.strip()
        or (f"{claimant.address} {claimant.katagaki}".strip() if claimant else ""),
        claimant_phone=data.claimant_phone.strip(),
        vaccine_code=data.vaccine_code,
        dose_label=data.dose_label.strip(),
        vaccine_class=vclass,
        vaccinated_on=data.vaccinated_on,
        vaccinated_at=data.vaccinated_at.strip(),
        benefit=data.benefit,
        injury=data.injury.strip(),
        onset_on=data.onset_on,
        treatment_from=data.treatment_from,
        treatment_to=data.treatment_to,
        costs_paid_on=data.costs_paid_on,
        death_on=data.death_on,
        hospital=data.hospital.strip(),
        received_on=data.received_on,
        deadline_on=deadline.due,
        deadline_basis=deadline.basis,
        past_deadline=bool(deadline.due and data.received_on > deadline.due),
        late_reason=data.late_reason.strip() if deadline.due and data.received_on > deadline.due else "",
        created_by=actor,
    )
    if data.records:
        claim.records.set(data.records)
    ClaimEvent.objects.create(
        claim=claim,
        to_state=State.RECEIVED,
        action="受付",
        on_date=data.received_on,
        actor=actor,
        note=f"期限経過の理由: {claim.late_reason}" if claim.past_deadline else "",
    )
    if not is_supervisor(actor):
        assign_perm(VIEW, actor, claim)
        assign_perm(CHANGE, actor, claim)
    access_record(
        event=Event.CREATE,
        actor=actor,
        request=request,
        subject=_subject(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no, "benefit": claim.benefit},
    )
    return claim


# ---------------------------------------------------------------- assignment


def assigned_workers(claim: Claim) -> list[Any]:
    users = get_users_with_perms(claim, only_with_perms_in=["change_claim"], with_group_users=False)
    return sorted(users, key=lambda u: u.username)


@transaction.atomic(durable=True)
def claim_assign(*, actor: Any, claim: Claim, worker: Any, request: HttpRequest | None = None) -> None:
    """The supervisor assigns a relief worker to a claim (audited)."""
    if not is_supervisor(actor):
        raise PermissionDenied("担当者の割当ては健康被害救済責任者が行います。")
    if not worker.is_active or not worker.has_perm(ACCESS):
        raise _refused(
            actor=actor,
            request=request,
            action="claim_assign",
            errors={"worker": ["健康被害救済担当の職員だけを割り当てられます。"]},
            subject=_subject(claim),
        )
    assign_perm(VIEW, worker, claim)
    assign_perm(CHANGE, worker, claim)
    ClaimEvent.objects.create(claim=claim, action="担当割当", note=worker.username, actor=actor, on_date=_today())
    access_record(
        event=Event.RIGHTS,
        actor=actor,
        request=request,
        subject=_subject(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no, "assigned": worker.username},
    )


@transaction.atomic(durable=True)
def claim_unassign(*, actor: Any, claim: Claim, worker: Any, request: HttpRequest | None = None) -> None:
    if not is_supervisor(actor):
        raise PermissionDenied("担当者の割当ては健康被害救済責任者が行います。")
    remove_perm(VIEW, worker, claim)
    remove_perm(CHANGE, worker, claim)
    ClaimEvent.objects.create(claim=claim, action="担当解除", note=worker.username, actor=actor, on_date=_today())
    access_record(
        event=Event.RIGHTS,
        actor=actor,
        request=request,
        subject=_subject(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no, "unassigned": worker.username},
    )


# ---------------------------------------------------------------- workflow

# The order of the business (domain.md step 10): each state lists the states it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.RECEIVED: (State.INVESTIGATING,),
    State.INVESTIGATING: (State.FORWARDED,),
    State.FORWARDED: (State.RESULT_RECEIVED,),
    State.RESULT_RECEIVED: (State.NOTIFIED,),
    State.NOTIFIED: (State.PAYMENT_DECIDED, State.NOT_PAID),
    State.PAYMENT_DECIDED: (State.PAID,),
    State.PAID: (State.APPEALED,),
    State.NOT_PAID: (State.APPEALED,),
    State.APPEALED: (State.FORWARDED, State.NOT_PAID),
}
# the date each step records on the claim
STATE_DATE_FIELD = {
    State.INVESTIGATING: "committee_on",
    State.FORWARDED: "forwarded_on",
    State.RESULT_RECEIVED: "result_on",
    State.NOTIFIED: "notified_on",
    State.PAYMENT_DECIDED: "decided_on",
    State.NOT_PAID: "decided_on",
    State.APPEALED: "appealed_on",
}
# steps taken on their own screens (they need more than a date)
SPECIAL_STEPS = {
    State.PAYMENT_DECIDED: "支給決定は「支給決定」から行います。",
    State.PAID: "支払済は支払の記録で進みます。",
}
PENSION_GRADES = {
    Benefit.CHILD_PENSION: ("1級", "2級"),
    Benefit.DISABILITY_PENSION: ("1級", "2級", "3級"),
    Benefit.BEREAVED_PENSION: ("",),
}


def next_states(claim: Claim) -> list[str]:
    return list(TRANSITIONS.get(claim.state, ()))


def last_step_date(claim: Claim) -> datetime.date:
    last = claim.events.exclude(to_state="").exclude(on_date=None).aggregate(m=Max("on_date"))["m"]
    return max(filter(None, [last, claim.received_on]))


def claim_transition(
    *,
    actor: Any,
    claim: Claim,
    to_state: str,
    on_date: datetime.date | None,
    note: str = "",
    result: str = "",
    grade: str = "",
    request: HttpRequest | None = None,
) -> Claim:
    """Move a claim one step along the workflow; anything out of order is refused and recorded."""
    _require_handle(actor, claim)
    claim = _locked(claim)
    errors = _transition_errors(claim, to_state, on_date, result, grade)
    if errors:
        raise _refused(
            actor=actor,
            request=request,
            action=f"transition:{claim.state}->{to_state}",
            errors=errors,
            subject=_subject(claim),
        )
    return _removing_on_failure(
        _apply_transition,
        actor=actor,
        claim=claim,
        to_state=to_state,
        on_date=on_date,
        note=note,
        result=result,
        grade=grade,
        request=request,
    )


def _locked(claim: Claim) -> Claim:
    # re-read the state: the screen may be stale, and two workers may act at once
    return Claim.objects.select_related("resident").get(pk=claim.pk)


def _transition_errors(
    claim: Claim, to_state: str, on_date: datetime.date | None, result: str, grade: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    current = State(claim.state).label
    if to_state not in State.values:
        return {"to_state": ["次の手続を選んでください。"]}
    target = State(to_state).label
    if to_state not in TRANSITIONS.get(claim.state, ()):
        allowed = "・".join(State(s).label for s in TRANSITIONS.get(claim.state, ())) or "なし"
        return {"to_state": [f"「{current}」から「{target}」へは進めません(次にできる手続: {allowed})。"]}
    if to_state in SPECIAL_STEPS:
        return {"to_state": [SPECIAL_STEPS[to_state]]}
    if on_date is None:
        errors["on_date"] = ["日付を入力してください。"]
    else:
        if on_date > _today():
            errors["on_date"] = ["未来の日付は入力できません。"]
        prev = last_step_date(claim)
        if on_date < prev:
            errors.setdefault("on_date", []).append(f"日付が前の手続の日({format_wareki(prev)})より前です。")
    if to_state == State.RESULT_RECEIVED:
        if result not in Result.values:
            errors["result"] = ["審査結果(認定・否認)を選んでください。"]
        elif result == Result.CERTIFIED and grade not in PENSION_GRADES.get(claim.benefit, (grade,)):
            choices = "・".join(g for g in PENSION_GRADES[claim.benefit] if g)
            errors["grade"] = [f"等級を選んでください({choices})。"]
    return errors


@transaction.atomic(durable=True)
def _apply_transition(
    *,
    actor: Any,
    claim: Claim,
    to_state: str,
    on_date: datetime.date | None,
    note: str,
    result: str,
    grade: str,
    request: HttpRequest | None,
    written: list[str],
) -> Claim:
    # compare-and-set: only one of two simultaneous requests moves the claim
    from_state = claim.state
    updates: dict[str, Any] = {"state": to_state, "updated_at": timezone.now()}
    if to_state in STATE_DATE_FIELD:
        updates[STATE_DATE_FIELD[to_state]] = on_date
    if to_state == State.RESULT_RECEIVED:
        updates["result"] = result
        updates["grade"] = grade if result == Result.CERTIFIED else ""
    if to_state == State.FORWARDED and from_state == State.APPEALED:
        updates.update(result="", result_on=None, grade="")
    if Claim.objects.filter(pk=claim.pk, state=from_state).update(**updates) != 1:
        raise ValidationError({"to_state": ["他の職員が先に手続を進めました。画面を読み込み直してください。"]})
    claim.refresh_from_db()
    ClaimEvent.objects.create(
        claim=claim,
        from_state=from_state,
        to_state=to_state,
        action=State(to_state).label,
        on_date=on_date,
        note=note.strip(),
        actor=actor,
    )
    if to_state == State.NOTIFIED:
        _letter_issue(actor=actor, claim=claim, kind=LetterKind.DECISION, issued_on=on_date, written=written)
    if to_state == State.NOT_PAID:
        _letter_issue(actor=actor, claim=claim, kind=LetterKind.NON_PAYMENT, issued_on=on_date, written=written)
    access_record(
        event=Event.UPDATE,
        actor=actor,
        request=request,
        subject=_subject(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no, "from": from_state, "to": to_state},
    )
    return claim


# ---------------------------------------------------------------- documents


def _sniff(head: bytes, name: str) -> str | None:
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    for ctype, (magics, exts) in UPLOAD_TYPES.items():
        if any(head.startswith(m) for m in magics) and ext in exts:
            return ctype
    return None


def document_add(
    *, actor: Any, claim: Claim, kind: str, upload: Any, request: HttpRequest | None = None
) -> ClaimDocument:
    """Store an attached document (PDF or image, within the size limit) outside the web root."""
    _require_handle(actor, claim)
    from .models import DocumentKind

    errors: dict[str, list[str]] = {}
    name = str(getattr(upload, "name", "") or "")[:200]
    if kind not in DocumentKind.values:
        errors["kind"] = ["書類の種類を選んでください。"]
    size = int(getattr(upload, "size", 0) or 0)
    limit = upload_limit()
    ctype = None
    if size == 0:
        errors["file"] = ["ファイルが空です。"]
    elif size > limit:
        errors["file"] = [f"ファイルが大きすぎます({size / 1048576:.1f}MB)。上限は{limit // 1048576}MBです。"]
    else:
        upload.seek(0)
        head = upload.read(16)
        ctype = _sniff(head, name)
        if ctype is None:
            errors["file"] = ["PDF または画像(JPEG・PNG・TIFF)のファイルだけを添付できます。"]
    if errors:
        raise _refused(actor=actor, request=request, action="document_add", errors=errors, subject=_subject(claim))
    upload.seek(0)
    data = upload.read()
    ext = "." + name.rsplit(".", 1)[-1].lower()
    relpath = storage.new_path(f"claims/{claim.pk}", ext)
    digest = storage.write(relpath, data)
    try:
        with transaction.atomic(durable=True):
            doc = ClaimDocument.objects.create(
                claim=claim,
                kind=kind,
                original_name=name,
                storage_path=relpath,
                content_type=ctype or "",
                size=len(data),
                sha256=digest,
                uploaded_by=actor,
            )
            ClaimEvent.objects.create(
                claim=claim, action="書類添付", note=f"{doc.get_kind_display()} {name}", actor=actor, on_date=_today()
            )
            access_record(
                event=Event.CREATE,
                actor=actor,
                request=request,
                subject=_subject(claim),
                purpose=PURPOSE,
                detail={"claim_no": claim.claim_no, "document": doc.pk, "kind": kind, "sha256": digest},
            )
    except Exception:
        storage.remove(relpath)  # nothing left behind when the row could not be written
        raise
    return doc


def document_open(*, actor: Any, document: ClaimDocument, request: HttpRequest | None = None) -> bytes:
    data = storage.read(document.storage_path)
    access_record(
        event=Event.VIEW,
        actor=actor,
        request=request,
        subject=_subject(document.claim),
        purpose=PURPOSE,
        detail={"claim_no": document.claim.claim_no, "document": document.pk, "kind": document.kind},
    )
    return data


# ---------------------------------------------------------------- letters


def letter_context(claim: Claim, kind: str, issued_on: datetime.date) -> dict[str, Any]:
    from .vaccines import vaccine_name

    return {
        "claim": claim,
        "kind": kind,
        "kind_label": LetterKind(kind).label,
        "issued_on": issued_on,
        "vaccine": vaccine_name(claim.vaccine_code),
        "payments": list(claim.payments.order_by("seq")),
        "account": PayeeAccount.objects.filter(claim=claim).first(),
        "total": sum(p.amount for p in claim.payments.all()),
    }


def _letter_issue(
    *, actor: Any, claim: Claim, kind: str, issued_on: datetime.date | None, written: list[str]
) -> ClaimLetter:
    """Render and store a letter inside the caller's transaction; `written` collects the file so the
    caller removes it if that transaction rolls back."""
    issued_on = issued_on or _today()
    pdf, pages = render_pdf("relief/letter.html", letter_context(claim, kind, issued_on))
    relpath = storage.new_path(f"claims/{claim.pk}/letters", ".pdf")
    digest = storage.write(relpath, pdf)
    written.append(relpath)
    return ClaimLetter.objects.create(
        claim=claim,
        kind=kind,
        storage_path=relpath,
        sha256=digest,
        pages=pages,
        issued_on=issued_on,
        created_by=actor,
    )


def _removing_on_failure(fn: Any, **kwargs: Any) -> Any:
    written: list[str] = []
    try:
        return fn(written=written, **kwargs)
    except Exception:
        for relpath in written:
            storage.remove(relpath)
        raise


def letter_open(*, actor: Any, letter: ClaimLetter, request: HttpRequest | None = None) -> bytes:
    data = storage.read(letter.storage_path)
    access_record(
        event=Event.PRINT,
        actor=actor,
        request=request,
        subject=_subject(letter.claim),
        purpose=PURPOSE,
        detail={"claim_no": letter.claim.claim_no, "letter": letter.pk, "kind": letter.kind},
    )
    return data


# ---------------------------------------------------------------- payee account

ACCOUNT_FIELDS = ("bank_code", "bank_name", "branch_code", "branch_name", "account_type", "account_no", "holder_kana")
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


def account_fetch_public_funds(*, actor: Any, claim: Claim, request: HttpRequest | None = None) -> PayeeAccount | None:
    """Ask the intermediate server for the claimant's public-funds account (公金受取口座).

    The lookup uses the claimant's My Number inside the adapter; that use is recorded here in the
    claim's context (event mynumber_use, purpose 健康被害の救済) whether or not an account is found.
    None means the claimant has none registered (or no My Number link): the declared account is used
    instead. An answer that is not a usable account is refused, recorded, and not stored.
    """
    _require_handle(actor, claim)
    claimant = claim.claimant_resident
    if claimant is None:
        return None
    lookup = get_adapter("PUBLIC_FUNDS_ACCOUNT")
    found = lookup(claimant, requested_by=actor, purpose=PURPOSE)
    values, errors = account_normalize(found) if found else ({}, {})
    with transaction.atomic(durable=True):
        access_record(
            event=Event.MYNUMBER_USE,
            actor=actor,
            request=request,
            subject=Subject(atena_no=claimant.atena_no, obj=claimant),
            purpose=PURPOSE,
            detail={
                "claim_no": claim.claim_no,
                "lookup": "public_funds_account",
                "found": bool(found),
                "unusable_fields": sorted(errors),
            },
            outcome=("invalid" if errors else "ok") if found else "not_registered",
        )
        if not found or errors:
            if errors:
                logger.warning("public funds account answer unusable for claim %s: %s", claim.pk, sorted(errors))
            return None
        account, _ = PayeeAccount.objects.update_or_create(
            claim=claim, defaults={**values, "source": PayeeAccount.Source.PUBLIC_FUNDS, "recorded_by": actor}
        )
        ClaimEvent.objects.create(claim=claim, action="公金受取口座を取得", actor=actor, on_date=_today())
    return account


def account_declare(
    *, actor: Any, claim: Claim, values: dict[str, str], request: HttpRequest | None = None
) -> PayeeAccount:
    """Record the account the claimant declared on the claim form."""
    _require_handle(actor, claim)
    v, errors = account_normalize(values)
    if errors:
        raise _refused(actor=actor, request=request, action="account_declare", errors=errors, subject=_subject(claim))
    with transaction.atomic(durable=True):
        account, _ = PayeeAccount.objects.update_or_create(
            claim=claim, defaults={**v, "source": PayeeAccount.Source.DECLARED, "recorded_by": actor}
        )
        ClaimEvent.objects.create(claim=claim, action="申出口座を登録", actor=actor, on_date=_today())
    return account


# ---------------------------------------------------------------- payments


def rate_for(claim: Claim, fiscal_year: int, grade: str = "") -> BenefitRate | None:
    return BenefitRate.objects.filter(
        benefit=claim.benefit, vaccine_class=claim.vaccine_class, fiscal_year=fiscal_year, grade=grade
    ).first()


def _month_start(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def _add_months(d: datetime.date, n: int) -> datetime.date:
    y, m = divmod(d.month - 1 + n, 12)
    return d.replace(year=d.year + y, month=m + 1, day=1)


def _month_end(d: datetime.date) -> datetime.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _pay_date_for_month(month: datetime.date) -> datetime.date:
    """The instalment that pays a month: the first pay month (Jan/Apr/Jul/Oct) after it."""
    nxt = _add_months(month, 1)
    while nxt.month not in PENSION_PAY_MONTHS:
        nxt = _add_months(nxt, 1)
    return nxt.replace(day=PAY_DAY)


def pension_instalments(
    *, first_month: datetime.date, last_month: datetime.date, not_before: datetime.date, annual: dict[int, int]
) -> list[dict[str, Any]]:
    """Group the months first_month..last_month into quarterly instalments.

    A month is paid at the first pay date after it; months whose pay date has passed by `not_before`
    (back pay) go into the first instalment on or after it. Each month is 1/12 of its fiscal year's
    annual amount; the yen remainder of a year goes into its March (so twelve months add up exactly).
    """
    first_pay = _pay_date_for_month(_add_months(not_before.replace(day=1), -1))
    if first_pay < not_before:
        first_pay = _pay_date_for_month(not_before.replace(day=1))
    groups: dict[datetime.date, list[datetime.date]] = {}
    m = first_month
    while m <= last_month:
        due = max(_pay_date_for_month(m), first_pay)
        groups.setdefault(due, []).append(m)
        m = _add_months(m, 1)
    rows = []
    for due, months in sorted(groups.items()):
        amount = 0
        for month in months:
            yearly = annual[fiscal_year(month)]
            amount += yearly // 12 + (yearly % 12 if month.month == 3 else 0)
        rows.append(
            {
                "due_on": due,
                "period_from": months[0],
                "period_to": _month_end(months[-1]),
                "amount": amount,
                "fiscal_year": fiscal_year(due),
            }
        )
    return rows


def payment_decide(
    *,
    actor: Any,
    claim: Claim,
    decided_on: datetime.date | None,
    amount: int | None = None,
    months: int | None = None,
    allowance_grade: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Claim:
    """支給決定: the amount from the year's rates (or the actual costs), the payment schedule, the letter."""
    _require_handle(actor, claim)
    claim = _locked(claim)
    errors: dict[str, list[str]] = {}
    if claim.state != State.NOTIFIED:
        errors["to_state"] = [f"「{claim.get_state_display()}」の申請は支給決定できません(決定通知の後に行います)。"]
    elif claim.result != Result.CERTIFIED:
        errors["to_state"] = ["否認された申請は支給決定できません(不支給決定を行ってください)。"]
    if decided_on is None:
        errors["decided_on"] = ["支給決定日を入力してください。"]
    elif decided_on > _today():
        errors["decided_on"] = ["未来の日付は入力できません。"]
    elif decided_on < last_step_date(claim):
        errors["decided_on"] = [f"支給決定日が前の手続の日({format_wareki(last_step_date(claim))})より前です。"]
    if not PayeeAccount.objects.filter(claim=claim).exists():
        errors["account"] = ["振込口座(公金受取口座または申出口座)を先に登録してください。"]
    rows: list[dict[str, Any]] = []
    kind = PAY_KIND[claim.benefit]
    if not errors and decided_on is not None:
        fy = fiscal_year(decided_on)
        if kind == PayKind.ACTUAL:
            if not amount or amount <= 0:
                errors["amount"] = ["医療費(自己負担額)を1円以上で入力してください。"]
            else:
                rows = [{"due_on": _lump_due(decided_on), "amount": amount, "fiscal_year": fy}]
        elif kind == PayKind.MONTHLY:
            rate = rate_for(claim, fy, allowance_grade)
            if rate is None:
                errors["amount"] = [_no_rate(claim, fy, allowance_grade)]
            elif not months or months <= 0:
                errors["months"] = ["医療手当の月数を入力してください。"]
            else:
                rows = [{"due_on": _lump_due(decided_on), "amount": rate.amount * months, "fiscal_year": fy}]
        elif kind == PayKind.ONCE:
            rate = rate_for(claim, fy)
            if rate is None:
                errors["amount"] = [_no_rate(claim, fy, "")]
            else:
                rows = [{"due_on": _lump_due(decided_on), "amount": rate.amount, "fiscal_year": fy}]
        else:
            # pension: from the month after the claim was received, to the end of the decision's fiscal
            # year (or of the first month's, when the claim came in the last month of a year)
            first_month = _add_months(claim.received_on.replace(day=1), 1)
            last_fy = max(fy, fiscal_year(first_month))
            last_month = datetime.date(last_fy + 1, 3, 1)
            annual: dict[int, int] = {}
            for year in range(fiscal_year(first_month), last_fy + 1):
                rate = rate_for(claim, year, claim.grade)
                if rate is None:
                    errors.setdefault("amount", []).append(_no_rate(claim, year, claim.grade))
                else:
                    annual[year] = rate.amount
            if not errors:
                rows = pension_instalments(
                    first_month=first_month, last_month=last_month, not_before=decided_on, annual=annual
                )
    if errors:
        raise _refused(actor=actor, request=request, action="payment_decide", errors=errors, subject=_subject(claim))
    return _removing_on_failure(
        _payment_decide_apply, actor=actor, claim=claim, decided_on=decided_on, rows=rows, note=note, request=request
    )


def _lump_due(decided_on: datetime.date) -> datetime.date:
    """Lump sums are paid on the 15th of the month after the decision."""
    return _add_months(decided_on.replace(day=1), 1).replace(day=PAY_DAY)


def _no_rate(claim: Claim, fy: int, grade: str) -> str:
    from core.wareki import era_of

    era, year = era_of(datetime.date(fy, 4, 1))
    g = f"・{grade}" if grade else ""
    return (
        f"{era}{year}年度({fy}年度)の{claim.get_vaccine_class_display()}「{claim.get_benefit_display()}{g}」の"
        "給付額が登録されていません。責任者に給付額の登録を依頼してください。"
    )


@transaction.atomic(durable=True)
def _payment_decide_apply(
    *,
    actor: Any,
    claim: Claim,
    decided_on: datetime.date | None,
    rows: list[dict[str, Any]],
    note: str,
    request: HttpRequest | None,
    written: list[str],
) -> Claim:
    if (
        Claim.objects.filter(pk=claim.pk, state=State.NOTIFIED).update(
            state=State.PAYMENT_DECIDED, decided_on=decided_on, updated_at=timezone.now()
        )
        != 1
    ):
        raise ValidationError({"to_state": ["他の職員が先に手続を進めました。画面を読み込み直してください。"]})
    claim.refresh_from_db()
    start = (claim.payments.aggregate(m=Max("seq"))["m"] or 0) + 1
    Payment.objects.bulk_create([Payment(claim=claim, seq=start + i, **row) for i, row in enumerate(rows)])
    ClaimEvent.objects.create(
        claim=claim,
        from_state=State.NOTIFIED,
        to_state=State.PAYMENT_DECIDED,
        action=State.PAYMENT_DECIDED.label,
        on_date=decided_on,
        note=note.strip() or f"支払 {len(rows)} 回 計 {sum(r['amount'] for r in rows):,} 円",
        actor=actor,
    )
    _letter_issue(actor=actor, claim=claim, kind=LetterKind.PAYMENT, issued_on=decided_on, written=written)
    access_record(
        event=Event.UPDATE,
        actor=actor,
        request=request,
        subject=_subject(claim),
        purpose=PURPOSE,
        detail={
            "claim_no": claim.claim_no,
            "from": State.NOTIFIED,
            "to": State.PAYMENT_DECIDED,
            "payments": len(rows),
            "total": sum(r["amount"] for r in rows),
        },
    )
    return claim


def payment_mark_paid(
    *, actor: Any, payment: Payment, paid_on: datetime.date | None, request: HttpRequest | None = None
) -> Payment:
    """Record that finance paid one payment; the first one paid moves the claim to 支払済."""
    claim = payment.claim
    _require_handle(actor, claim)
    errors: dict[str, list[str]] = {}
    if payment.status not in (Payment.Status.SCHEDULED, Payment.Status.EXPORTED):
        errors["payment"] = [f"この支払は「{payment.get_status_display()}」のため支払済にできません。"]
    if paid_on is None:
        errors["paid_on"] = ["支払日を入力してください。"]
    elif paid_on > _today():
        errors["paid_on"] = ["未来の日付は入力できません。"]
    elif claim.decided_on and paid_on < claim.decided_on:
        errors["paid_on"] = [f"支払日が支給決定日({format_wareki(claim.decided_on)})より前です。"]
    if errors:
        raise _refused(actor=actor, request=request, action="payment_mark_paid", errors=errors, subject=_subject(claim))
    with transaction.atomic(durable=True):
        if (
            Payment.objects.filter(pk=payment.pk, status=payment.status).update(
                status=Payment.Status.PAID, paid_on=paid_on, paid_by=actor
            )
            != 1
        ):
            raise ValidationError({"payment": ["他の職員が先に記録しました。画面を読み込み直してください。"]})
        payment.refresh_from_db()
        moved = Claim.objects.filter(pk=claim.pk, state=State.PAYMENT_DECIDED).update(
            state=State.PAID, updated_at=timezone.now()
        )
        ClaimEvent.objects.create(
            claim=claim,
            from_state=State.PAYMENT_DECIDED if moved else "",
            to_state=State.PAID if moved else "",
            action=f"第{payment.seq}回 支払済",
            on_date=paid_on,
            note=f"{payment.amount:,} 円",
            actor=actor,
        )
        access_record(
            event=Event.UPDATE,
            actor=actor,
            request=request,
            subject=_subject(claim),
            purpose=PURPOSE,
            detail={"claim_no": claim.claim_no, "payment": payment.seq, "paid_on": str(paid_on)},
        )
    return payment


def pension_schedule_extend(*, actor: Any, claim: Claim, request: HttpRequest | None = None) -> int:
    """Add the next fiscal year's instalments of a pension once that year's amount is entered."""
    _require_handle(actor, claim)
    errors: dict[str, list[str]] = {}
    last = claim.payments.exclude(status=Payment.Status.CANCELLED).order_by("-period_to").first()
    if not claim.is_pension or claim.state not in (State.PAYMENT_DECIDED, State.PAID) or last is None:
        errors["claim"] = ["支給中の年金にだけ次年度の支払予定を作成できます。"]
    else:
        first_month = _add_months(last.period_to.replace(day=1), 1)
        fy = fiscal_year(first_month)
        rate = rate_for(claim, fy, claim.grade)
        if rate is None:
            errors["amount"] = [_no_rate(claim, fy, claim.grade)]
    if errors:
        raise _refused(actor=actor, request=request, action="pension_extend", errors=errors, subject=_subject(claim))
    rows = pension_instalments(
        first_month=first_month,
        last_month=datetime.date(fy + 1, 3, 1),
        not_before=_pay_date_for_month(first_month),
        annual={fy: rate.amount},
    )
    with transaction.atomic(durable=True):
        start = (claim.payments.aggregate(m=Max("seq"))["m"] or 0) + 1
        Payment.objects.bulk_create([Payment(claim=claim, seq=start + i, **row) for i, row in enumerate(rows)])
        ClaimEvent.objects.create(
            claim=claim,
            action=f"{fy}年度の支払予定を作成",
            actor=actor,
            on_date=_today(),
            note=f"{len(rows)} 回 計 {sum(r['amount'] for r in rows):,} 円",
        )
    return len(rows)


# ---------------------------------------------------------------- finance CSV

CSV_HEADER = [
    "出力番号",
    "支払番号",
    "受付番号",
    "給付種別コード",
    "給付種別",
    "年度",
    "支払予定日",
    "支払金額",
    "金融機関コード",
    "金融機関名",
    "支店コード",
    "支店名",
    "預金種目",
    "口座番号",
    "口座名義カナ",
    "受取人氏名",
    "対象期間自",
    "対象期間至",
]


def payments_export(
    *, actor: Any, due_until: datetime.date, request: HttpRequest | None = None
) -> PaymentExport | None:
    """Write the scheduled payments due by `due_until` as a CP932 CSV for the finance system
    (docs/formats/relief_payments_csv.md) and mark them exported. None when nothing is due."""
    if not actor.has_perm("relief.export_payments"):
        raise PermissionDenied("支払データを出力する権限がありません。")
    return _removing_on_failure(_payments_export, actor=actor, due_until=due_until, request=request)


def _payments_export(
    *, actor: Any, due_until: datetime.date, request: HttpRequest | None, written: list[str]
) -> PaymentExport | None:
    with transaction.atomic(durable=True):
        payments = list(
            Payment.objects.select_for_update(of=("self",))
            .select_related("claim__resident", "claim__account")
            .filter(status=Payment.Status.SCHEDULED, due_on__lte=due_until, claim__account__isnull=False)
            .order_by("due_on", "claim__claim_no", "seq")
        )
        if not payments:
            return None
        batch_no = timezone.localtime().strftime("RF%Y%m%d%H%M%S")
        n = PaymentExport.objects.filter(batch_no__startswith=batch_no).count()
        batch_no = f"{batch_no}{n:02d}"
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(CSV_HEADER)
        for p in payments:
            c, a = p.claim, p.claim.account
            w.writerow(
                [
                    batch_no,
                    f"{c.claim_no}-{p.seq:03d}",
                    c.claim_no,
                    c.benefit,
                    c.get_benefit_display(),
                    p.fiscal_year,
                    p.due_on.strftime("%Y%m%d"),
                    p.amount,
                    a.bank_code,
                    a.bank_name,
                    a.branch_code,
                    a.branch_name,
                    a.account_type,
                    a.account_no,
                    jaconv.z2h(a.holder_kana, kana=True),
                    c.claimant_name,
                    p.period_from.strftime("%Y%m%d") if p.period_from else "",
                    p.period_to.strftime("%Y%m%d") if p.period_to else "",
                ]
            )
        data = buf.getvalue().encode("cp932", errors="replace")
        relpath = storage.new_path("exports", ".csv")
        digest = storage.write(relpath, data)
        written.append(relpath)
        export = PaymentExport.objects.create(
            batch_no=batch_no,
            due_until=due_until,
            rows=len(payments),
            total=sum(p.amount for p in payments),
            storage_path=relpath,
            sha256=digest,
            created_by=actor,
        )
        Payment.objects.filter(pk__in=[p.pk for p in payments]).update(
            status=Payment.Status.EXPORTED, export_batch=batch_no
        )
        access_record(
            event=Event.EXPORT,
            actor=actor,
            request=request,
            purpose=PURPOSE,
            detail={"batch_no": batch_no, "rows": len(payments), "sha256": digest},
        )
        access_record_bulk(
            event=Event.EXPORT,
            actor=actor,
            purpose=PURPOSE,
            detail={"batch_no": batch_no},
            subjects=[_subject(c) for c in {p.claim_id: p.claim for p in payments}.values()],
        )
    return export


def export_open(*, actor: Any, export: PaymentExport, request: HttpRequest | None = None) -> bytes:
    if not actor.has_perm("relief.export_payments"):
        raise PermissionDenied("支払データを出力する権限がありません。")
    data = storage.read(export.storage_path)
    if hashlib.sha256(data).hexdigest() != export.sha256:
        raise ValidationError("保存されている支払データが改変されています(チェックサム不一致)。")
    access_record(
        event=Event.EXPORT,
        actor=actor,
        request=request,
        purpose=PURPOSE,
        detail={"batch_no": export.batch_no, "download": True},
    )
    return data


# ---------------------------------------------------------------- rates


def rate_set(
    *,
    actor: Any,
    benefit: str,
    vaccine_class: str,
    fiscal_year: int,
    grade: str,
    amount: int,
    source: str,
    request: HttpRequest | None = None,
) -> BenefitRate:
    if not actor.has_perm("relief.manage_rates"):
        raise PermissionDenied("給付額を登録する権限がありません。")
    errors: dict[str, list[str]] = {}
    if not benefit_available(vaccine_class, benefit):
        errors["benefit"] = ["この類型にない給付です。"]
    if not 2000 <= fiscal_year <= 2100:
        errors["fiscal_year"] = ["年度は西暦4桁で入力してください。"]
    if amount <= 0:
        errors["amount"] = ["金額は1円以上で入力してください。"]
    if errors:
        raise _refused(actor=actor, request=request, action="rate_set", errors=errors, subject=None)
    with transaction.atomic(durable=True):
        rate, _ = BenefitRate.objects.update_or_create(
            benefit=benefit,
            vaccine_class=vaccine_class,
            fiscal_year=fiscal_year,
            grade=grade.strip(),
            defaults={"amount": amount, "source": source.strip()},
        )
    return rate


def claim_view_record(*, actor: Any, claim: Claim, request: HttpRequest | None = None) -> None:
    access_record(
        event=Event.VIEW,
        actor=actor,
        request=request,
        subject=_subject(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no},
    )
