"""Keyed entry with four-eyes verification (パンチ入力 → 照合), double entry, and survey histories.

A keyed record is *pending* until someone other than its keyer confirms it against the original (or,
in double-entry mode, a second independent keying matches it field by field). The refusal lives here
and in a database check constraint, not only on the screen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.origin import Origin
from core.refusals import Outcome, record_refusal
from residents.models import Resident

from .. import eligibility, selectors
from ..keyed import KEYED_FIELDS, Checked, Masters, birth_problem, canonical, check_values, record_values
from ..models import EntryBatch, MoveInSurvey, RecordSource, SecondKeying, VaccinationRecord, Voucher


class FourEyesViolation(PermissionDenied):
    """The keyer tried to verify (or second-key) their own entry."""


@dataclass
class Extras:
    """What a keyer adds beyond the voucher's printed fields."""

    high_risk: bool = False
    outside_city: bool = False
    administrative_measure: bool = False
    venue_name: str = ""
    doctor_name: str = ""
    remarks: str = ""
    copayment_class: str = ""
    other: dict[str, Any] = field(default_factory=dict)


def entry_batch_create(
    *, label: str, actor: Any, origin: Origin, mode: str = EntryBatch.Mode.VERIFY, source: str = RecordSource.VOUCHER
) -> EntryBatch:
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": "バッチ名を入力してください(例: 2026年4月返戻分 1箱目)。"})
    if mode not in EntryBatch.Mode.values or source not in RecordSource.values:
        raise ValidationError("確認方式または入力元が正しくありません。")
    return EntryBatch.objects.create(label=label[:100], mode=mode, source=source, created_by=actor)


def _resolve(checked: Checked, *, source: str) -> tuple[Resident | None, Voucher | None]:
    """Resident and voucher behind the keyed numbers; adds messages to checked.errors."""
    err = checked.errors
    resident = None
    if "atena_no" not in err:
        resident = Resident.objects.filter(atena_no=checked.atena_no).first()
        if resident is None:
            err["atena_no"] = f"宛番号「{checked.atena_no}」の住民は登録されていません。"
        elif problem := birth_problem(checked.vaccinated_on, resident.birth_date):
            err.setdefault("vaccinated_on", problem)
    voucher = None
    if checked.voucher_no and "voucher_no" not in err:
        voucher = Voucher.objects.filter(number=checked.voucher_no).first()
        if voucher is None:
            err["voucher_no"] = "この接種券番号は発行されていません。"
        elif voucher.status == Voucher.Status.VOIDED:
            err["voucher_no"] = "無効になった接種券です(再発行済み)。突合担当に回してください。"
        elif voucher.status == Voucher.Status.USED:
            err["voucher_no"] = "使用済みの接種券です(接種記録が登録済み)。"
        else:
            if resident is not None and voucher.resident_id != resident.pk:
                err["atena_no"] = "接種券の宛番号と一致しません。"
            if checked.dose_code and voucher.dose_code != checked.dose_code:
                err["dose_code"] = f"接種券の接種コード({voucher.dose_code})と一致しません。"
    elif source == RecordSource.VOUCHER and "voucher_no" not in err:
        err["voucher_no"] = "接種券番号を入力してください。"
    return resident, voucher


def _check(raw: dict[str, Any], *, source: str) -> tuple[Checked, Resident | None, Voucher | None]:
    relaxed = source in (RecordSource.SURVEY, RecordSource.OTHER_CITY)
    checked = check_values(
        raw,
        masters=Masters.load(),
        today=timezone.localdate(),
        require_voucher=source == RecordSource.VOUCHER,
        relaxed=relaxed,
    )
    resident, voucher = _resolve(checked, source=source)
    return checked, resident, voucher


def _apply(record: VaccinationRecord, checked: Checked, voucher: Voucher | None, extras: Extras | None) -> None:
    record.dose_code = checked.dose_code
    record.vaccinated_on = checked.vaccinated_on
    record.date_unknown = checked.date_unknown
    record.institution_id = checked.institution_id
    record.doctor_id = checked.doctor_id
    record.manufacturer_id = checked.manufacturer_id
    record.lot_id = checked.lot_id
    record.lot_no = checked.lot_no
    record.dose_volume_ml = checked.dose_volume_ml
    record.copayment_amount = checked.copayment_amount
    record.voucher = voucher
    if voucher is not None and voucher.copayment_class:
        record.copayment_class = voucher.copayment_class
    if extras is not None:
        record.high_risk = extras.high_risk
        record.outside_city = extras.outside_city
        record.administrative_measure = extras.administrative_measure
        record.venue_name = extras.venue_name[:100]
        record.doctor_name = extras.doctor_name[:100]
        record.remarks = extras.remarks[:300]
        if extras.copayment_class:
            record.copayment_class = extras.copayment_class[:20]


def _flag(record: VaccinationRecord) -> None:
    """Judge the dose against the rules with the resident's verified history (stored, never hidden)."""
    resident = record.resident
    record.problems, record.rules_checked = eligibility.dose_problems(
        birth_date=resident.birth_date,
        sex=resident.sex,
        history=selectors.history_pairs(resident.pk, exclude_id=record.pk),
        code=record.dose_code,
        given_on=record.vaccinated_on,
    )


def record_key(
    *,
    batch: EntryBatch,
    actor: Any,
    origin: Origin,
    values: dict[str, Any],
    extras: Extras | None = None,
    survey: MoveInSurvey | None = None,
) -> VaccinationRecord:
    """Key one voucher (or one dose of a survey) into a batch; the record stays pending."""
    if batch.closed_at is not None:
        raise ValidationError("締め切られた入力バッチには追加できません。")
    checked, resident, voucher = _check(values, source=batch.source)
    if checked.errors:
        raise ValidationError(checked.errors)
    assert resident is not None  # no error means the resident was found
    if survey is not None and survey.resident_id != resident.pk:
        raise ValidationError({"atena_no": "調査票の対象者と宛番号が一致しません。"})
    record = VaccinationRecord(
        resident=resident,
        source=batch.source,
        entry_batch=batch,
        keyed_by=actor,
        survey=survey,
        status=VaccinationRecord.Status.PENDING,
    )
    _apply(record, checked, voucher, extras)
    _flag(record)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise ValidationError({"voucher_no": "この接種券は既に入力されています(照合待ち)。"}) from exc
    return record


def _forbid_own_entry(record: VaccinationRecord, actor: Any, *, action: str, what: str, origin: Origin) -> None:
    """Four eyes: the keyer may not be the one who confirms the entry (recorded, then refused)."""
    if record.keyed_by_id is not None and record.keyed_by_id == getattr(actor, "pk", None):
        record_refusal(
            actor=actor,
            action=action,
            outcome=Outcome.DENIED,
            origin=origin,
            subject_atena=record.resident.atena_no,
            obj=record,
            purpose=f"自分が入力した記録の{what}",
            record=record.pk,
            rule="四つの目(入力者と照合者は別人)",
        )
        raise FourEyesViolation(f"自分が入力した記録は{what}できません。別の職員が原票と照合してください。")


def _mark_verified(record: VaccinationRecord, actor: Any) -> None:
    record.status = VaccinationRecord.Status.VERIFIED
    record.verified_by = actor
    record.verified_at = timezone.now()
    _flag(record)
    record.save()
    if record.voucher_id:
        Voucher.objects.filter(pk=record.voucher_id, status=Voucher.Status.ISSUED).update(
            status=Voucher.Status.USED, used_on=record.vaccinated_on or timezone.localdate()
        )


def record_verify(
    *,
    record: VaccinationRecord,
    actor: Any,
    origin: Origin,
    corrections: dict[str, Any] | None = None,
    extras: Extras | None = None,
    acknowledge_problems: bool = False,
) -> VaccinationRecord:
    """Confirm a pending record against the original, correcting fields if the keying was wrong.

    A dose the rules find wrong (age, interval) is verified only when the verifier says they saw the
    problems; it stays flagged on the record either way.
    """
    _forbid_own_entry(record, actor, action="record_verify", what="照合", origin=origin)
    with transaction.atomic():
        current = VaccinationRecord.objects.select_for_update().select_related("resident").get(pk=record.pk)
        if current.status != VaccinationRecord.Status.PENDING:
            raise ValidationError("この記録は照合待ちではありません(処理済み)。")
        if corrections:
            raw = record_values(current) | {k: v for k, v in corrections.items() if k in dict(KEYED_FIELDS)}
            checked, resident, voucher = _check(raw, source=current.source)
            if voucher is not None and current.voucher_id == voucher.pk:
                checked.errors.pop("voucher_no", None)
            if checked.errors:
                raise ValidationError(checked.errors)
            if resident is not None and resident.pk != current.resident_id:
                current.resident = resident
            _apply(current, checked, voucher, extras)
        elif extras is not None:
            _apply_extras_only(current, extras)
        _flag(current)
        if current.problems and not acknowledge_problems:
            raise ValidationError(
                {
                    "problems": "規則上の問題があります(" + " / ".join(current.problems) + ")。"
                    "原票と照らして確認した場合は「問題を確認した」にチェックしてください。"
                }
            )
        _mark_verified(current, actor)
    return current


def _apply_extras_only(record: VaccinationRecord, extras: Extras) -> None:
    record.high_risk = extras.high_risk
    record.outside_city = extras.outside_city
    record.administrative_measure = extras.administrative_measure
    record.remarks = extras.remarks[:300]


def record_reject(*, record: VaccinationRecord, actor: Any, origin: Origin, reason: str) -> VaccinationRecord:
    """Cancel a keyed record (wrong voucher, keyed twice …); it stays visible as 取消 with the reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "取消の理由を入力してください。"})
    with transaction.atomic():
        current = VaccinationRecord.objects.select_for_update().get(pk=record.pk)
        if current.status != VaccinationRecord.Status.PENDING:
            raise ValidationError("照合待ちの記録だけ取消できます。")
        current.status = VaccinationRecord.Status.REJECTED
        current.rejected_reason = reason.strip()[:300]
        current.save(update_fields=["status", "rejected_reason"])
    return current


def record_second_key(
    *, batch: EntryBatch, actor: Any, origin: Origin, values: dict[str, Any]
) -> tuple[VaccinationRecord, list[str]]:
    """Double-entry mode: key the same original again, independently. Matching on every field verifies the
    record (the second keyer is the second pair of eyes); otherwise the mismatches wait for a verifier."""
    if batch.mode != EntryBatch.Mode.DOUBLE:
        raise ValidationError("この入力バッチは二重入力方式ではありません。")
    checked, _resident, _voucher = _check(values, source=batch.source)
    first = _first_keying(batch, checked)
    if first is None:
        raise ValidationError(
            {"voucher_no": "この原票の1回目の入力が見つかりません。1回目の入力を先に行ってください。"}
        )
    _forbid_own_entry(first, actor, action="record_second_key", what="二重入力", origin=origin)
    if hasattr(first, "second_keying"):
        raise ValidationError("この原票は既に2回目の入力が済んでいます。")
    theirs = record_values(first)
    mine = canonical(checked) if not checked.errors else {k: checked.raw.get(k, "") for k, _ in KEYED_FIELDS}
    mismatches = [name for name, _ in KEYED_FIELDS if theirs.get(name, "") != mine.get(name, "")]
    with transaction.atomic():
        SecondKeying.objects.create(record=first, keyed_by=actor, values=mine, mismatches=mismatches)
        if not mismatches:
            current = VaccinationRecord.objects.select_for_update().select_related("resident").get(pk=first.pk)
            _mark_verified(current, actor)
            first = current
    return first, mismatches


def _first_keying(batch: EntryBatch, checked: Checked) -> VaccinationRecord | None:
    qs = batch.records.filter(status=VaccinationRecord.Status.PENDING).select_related(
        "resident", "voucher", "institution", "doctor", "manufacturer"
    )
    if checked.voucher_no:
        return qs.filter(voucher__number=checked.voucher_no).first()
    return qs.filter(resident__atena_no=checked.atena_no, dose_code=checked.dose_code).first()


def survey_register(
    *,
    resident: Resident,
    actor: Any,
    origin: Origin,
    moved_in_on: datetime.date | None = None,
    sent_on: datetime.date | None = None,
) -> MoveInSurvey:
    """Open (or return) the move-in survey for a resident's latest move-in."""
    moved_in_on = moved_in_on or resident.became_resident_on
    if moved_in_on is None:
        raise ValidationError("転入日が登録されていない住民です。")
    survey, _created = MoveInSurvey.objects.get_or_create(
        resident=resident, moved_in_on=moved_in_on, defaults={"created_by": actor}
    )
    if sent_on and survey.sent_on is None:
        survey.sent_on = sent_on
        survey.status = MoveInSurvey.Status.SENT
        survey.save(update_fields=["sent_on", "status"])
    return survey


def survey_record_history(
    *,
    survey: MoveInSurvey,
    actor: Any,
    origin: Origin,
    doses: list[dict[str, Any]],
    returned_on: datetime.date,
    other_city: bool = True,
) -> EntryBatch:
    """Key the history a family returned on the survey form: one pending record per dose (source survey),
    in a batch of its own so that the usual verification confirms it against the form.

    All rows are checked first; one bad row stores nothing and every row's errors come back.
    """
    if not doses:
        raise ValidationError("接種歴を1件以上入力してください。")
    resident = survey.resident
    errors: dict[str, str] = {}
    checked_rows: list[Checked] = []
    masters = Masters.load()
    for i, dose in enumerate(doses, start=1):
        values = dict(dose) | {"atena_no": resident.atena_no}
        checked = check_values(values, masters=masters, today=timezone.localdate(), require_voucher=False, relaxed=True)
        if problem := birth_problem(checked.vaccinated_on, resident.birth_date):
            checked.errors.setdefault("vaccinated_on", problem)
        for name, msg in checked.errors.items():
            errors[f"{i}:{name}"] = f"{i}行目: {msg}"
        checked_rows.append(checked)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        batch = EntryBatch.objects.create(
            label=f"転入者調査 {resident.atena_no} ({returned_on:%Y-%m-%d}回答)",
            source=RecordSource.SURVEY,
            created_by=actor,
        )
        for checked, dose in zip(checked_rows, doses, strict=True):
            record = VaccinationRecord(
                resident=resident,
                source=RecordSource.SURVEY,
                entry_batch=batch,
                keyed_by=actor,
                survey=survey,
                status=VaccinationRecord.Status.PENDING,
            )
            _apply(
                record,
                checked,
                None,
                Extras(
                    outside_city=other_city,
                    venue_name=str(dose.get("venue_name", "")),
                    remarks=str(dose.get("remarks", "")),
                ),
            )
            _flag(record)
            record.save()
        survey.returned_on = returned_on
        survey.status = MoveInSurvey.Status.RECORDED
        survey.save(update_fields=["returned_on", "status"])
    return batch
