"""受付: receiving a claim (the intake checked against the law's rules, numbered per fiscal year, the
receiving worker assigned to it) and the audited view of a claim.

Bad input raises ValidationError with Japanese messages before anything is stored; the refused attempt
itself is recorded (core.refusals, outcome "invalid").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from guardian.shortcuts import assign_perm

from audit.models import Event
from audit.services import access_record
from core.legal_age import age_years, fiscal_year
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from core.wareki import format_wareki
from residents.models import Resident

from ..access import ACCESS, CHANGE, VIEW, is_supervisor
from ..models import Claim, ClaimEvent, Payment, State
from ..rules import (
    DEATH_BENEFITS,
    EARLIER_PAID_SHORTENS,
    MEDICAL_BENEFITS,
    Benefit,
    Deadline,
    Relationship,
    VaccineClass,
    benefit_available,
    claim_deadline,
)
from ..vaccines import is_known, vaccine_class
from ._shared import PURPOSE, subject_of, today


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


NO_DEADLINE = Deadline(None, "")


def _validate_intake(data: ClaimIntake, on: datetime.date) -> tuple[str, Deadline]:
    """Check the intake against `on` (today); fills data.errors; returns (vaccine class, deadline)."""
    if data.records:
        _take_from_records(data)
    if data.errors:
        return "", NO_DEADLINE
    vaccinated_on = data.vaccinated_on
    if not data.vaccine_code or vaccinated_on is None:
        data.err("vaccine_code", "接種記録を選ぶか、接種区分と接種日を入力してください。")
        return "", NO_DEADLINE
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
        ("vaccinated_on", vaccinated_on, "接種日"),
        ("onset_on", d.onset_on, "発症日"),
        ("treatment_from", d.treatment_from, "治療開始日"),
        ("treatment_to", d.treatment_to, "治療終了日"),
        ("costs_paid_on", d.costs_paid_on, "医療費を支払った日"),
        ("death_on", d.death_on, "死亡日"),
        ("received_on", d.received_on, "受付日"),
    ]:
        if value is not None and value > on:
            d.err(name, f"{label}に未来の日付は入力できません。")
    if vaccinated_on < d.resident.birth_date:
        d.err("vaccinated_on", "接種日が被接種者の生年月日より前です。")
    if d.onset_on < vaccinated_on:
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
        claim__vaccinated_on=vaccinated_on,
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


def claim_create(*, actor: Any, origin: Origin, data: ClaimIntake) -> Claim:
    """Receive a claim. The worker who receives it is assigned to it (the supervisor can change that)."""
    if not actor.has_perm(ACCESS):
        raise PermissionDenied("健康被害救済業務の権限がありません。")
    vclass, deadline = _validate_intake(data, today())
    if data.errors:
        record_refusal(
            actor=actor,
            action="claim_create",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=data.resident.atena_no,
            purpose=PURPOSE,
            errors=data.errors,
        )
        raise ValidationError(data.errors)
    for _attempt in range(3):
        try:
            return _claim_insert(actor=actor, origin=origin, data=data, vclass=vclass, deadline=deadline)
        except IntegrityError as exc:  # two intakes took the same number: take the next one
            if "claim_no" not in str(exc):
                raise
    raise RuntimeError("受付番号を採番できませんでした。")


@transaction.atomic(durable=True)
def _claim_insert(*, actor: Any, origin: Origin, data: ClaimIntake, vclass: str, deadline: Deadline) -> Claim:
    assert data.vaccinated_on is not None  # checked by _validate_intake
    claimant = data.resident if data.relationship == Relationship.SELF else data.claimant_resident
    late = bool(deadline.due and data.received_on > deadline.due)
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
        past_deadline=late,
        late_reason=data.late_reason.strip() if late else "",
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
        origin=origin,
        subject=subject_of(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no, "benefit": claim.benefit},
    )
    return claim


def claim_view_record(*, actor: Any, origin: Origin, claim: Claim) -> None:
    """The claim's page was shown to `actor`."""
    access_record(
        event=Event.VIEW,
        actor=actor,
        origin=origin,
        subject=subject_of(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no},
    )
