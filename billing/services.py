"""Every write of the co-payment business: consents, decisions and fee schedules (claims: claims.py).

Each top-level service is one durable transaction. Bad input is refused before anything is written,
with a Japanese message, and the refusal itself is recorded in the audit trail.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record
from core.legal_age import fiscal_year as fy_of
from residents.models import Resident

from . import engine, taxdata
from .models import Consent, CopaymentDecision, DecisionRun, FeeSchedule, Reason
from .vaccines import VACCINE_LABELS, tax_fiscal_year_for, vaccine_of_dose

PURPOSE = "実費の徴収"
DECIDE_PURPOSE = "実費の徴収 / 自己負担判定"
CONSENT_PURPOSE = "実費の徴収 / 同意書の管理"


def _subject(resident: Resident) -> Subject:
    return Subject(atena_no=resident.atena_no, obj=resident)


def _refused(*, actor: Any, request: HttpRequest | None, what: str, errors: Any, resident: Resident | None) -> None:
    """Record a refused input (nothing else is stored)."""
    if isinstance(errors, ValidationError):
        errors = errors.message_dict if hasattr(errors, "error_dict") else {"__all__": errors.messages}
    access_record(
        event=Event.DENIED,
        actor=actor,
        request=request,
        subject=_subject(resident) if resident else None,
        purpose=PURPOSE,
        detail={"refused": what, "errors": errors},
        outcome="refused",
    )


# ---------------------------------------------------------------- consents (同意書)


def consent_create(
    *,
    resident: Resident,
    filed_on: datetime.date,
    expires_on: datetime.date,
    channel: str,
    scope: str = "all",
    form_no: str = "",
    note: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Consent:
    """Key a consent form (入力). It counts only once someone else has verified it (照合)."""
    consent = Consent(
        resident=resident,
        filed_on=filed_on,
        expires_on=expires_on,
        channel=channel,
        scope=scope,
        form_no=form_no,
        note=note,
        keyed_by=actor,
    )
    try:
        consent.full_clean()
    except ValidationError as exc:
        _refused(actor=actor, request=request, what="consent_create", errors=exc, resident=resident)
        raise
    with transaction.atomic(durable=True):
        consent.save()
    return consent


def consent_verify(
    *,
    consent: Consent,
    filed_on: datetime.date | None,
    expires_on: datetime.date | None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Consent:
    """Four-eyes check: a different member of staff re-keys the dates from the paper form."""
    if consent.keyed_by_id == actor.pk:
        access_record(
            event=Event.DENIED,
            actor=actor,
            request=request,
            subject=_subject(consent.resident),
            purpose=CONSENT_PURPOSE,
            detail={"refused": "consent_verify", "reason": "keyer_cannot_verify", "consent": consent.pk},
            outcome="denied",
        )
        raise PermissionDenied("自分が入力した同意書は照合できません。別の職員が照合してください。")
    errors: dict[str, list[str]] = {}
    if consent.state != Consent.State.PENDING:
        errors["__all__"] = [f"この同意書は{consent.get_state_display()}のため照合できません。"]
    if filed_on != consent.filed_on:
        errors["filed_on"] = ["同意書提出日が入力内容と一致しません。原本を確認してください。"]
    if expires_on != consent.expires_on:
        errors["expires_on"] = ["有効期限が入力内容と一致しません。原本を確認してください。"]
    if errors:
        exc = ValidationError(errors)
        _refused(actor=actor, request=request, what="consent_verify", errors=exc, resident=consent.resident)
        raise exc
    with transaction.atomic(durable=True):
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.state != Consent.State.PENDING:
            raise ValidationError("この同意書は既に処理されています。")
        now = timezone.now()
        locked.state = Consent.State.VERIFIED
        locked.verified_by = actor
        locked.verified_at = now
        locked.changed_at = now
        locked.save(update_fields=["state", "verified_by", "verified_at", "changed_at"])
    return locked


def consent_reject(*, consent: Consent, reason: str, actor: Any, request: HttpRequest | None = None) -> Consent:
    """差戻し: the verifier found the keyed form wrong; the keyer enters it again."""
    if consent.keyed_by_id == actor.pk:
        raise PermissionDenied("自分が入力した同意書は差し戻せません。")
    if not reason.strip():
        exc = ValidationError({"reason": ["差戻しの理由を入力してください。"]})
        _refused(actor=actor, request=request, what="consent_reject", errors=exc, resident=consent.resident)
        raise exc
    if consent.state != Consent.State.PENDING:
        raise ValidationError("照合待ちの同意書だけを差し戻せます。")
    with transaction.atomic(durable=True):
        consent.state = Consent.State.REJECTED
        consent.rejected_reason = reason.strip()[:200]
        consent.changed_at = timezone.now()
        consent.save(update_fields=["state", "rejected_reason", "changed_at"])
    return consent


def consent_withdraw(
    *, consent: Consent, withdrawn_on: datetime.date, actor: Any, request: HttpRequest | None = None
) -> Consent:
    """撤回: from that day on the tax status is no longer read for the person."""
    if consent.state != Consent.State.VERIFIED:
        raise ValidationError("照合済の同意書だけを撤回できます。")
    if withdrawn_on < consent.filed_on:
        exc = ValidationError({"withdrawn_on": ["撤回日は同意書提出日以降の日付にしてください。"]})
        _refused(actor=actor, request=request, what="consent_withdraw", errors=exc, resident=consent.resident)
        raise exc
    with transaction.atomic(durable=True):
        consent.state = Consent.State.WITHDRAWN
        consent.withdrawn_on = withdrawn_on
        consent.changed_at = timezone.now()
        consent.save(update_fields=["state", "withdrawn_on", "changed_at"])
    return consent


# ---------------------------------------------------------------- decisions (自己負担判定)


def _clamp_to_fy(day: datetime.date, fiscal_year: int) -> datetime.date:
    return min(max(day, datetime.date(fiscal_year, 4, 1)), datetime.date(fiscal_year + 1, 3, 31))


def _check_vaccine(vaccine: str) -> None:
    if vaccine not in VACCINE_LABELS:
        raise ValidationError({"vaccine": ["自己負担の対象となるワクチンを選択してください。"]})


def decision_run_create(
    *,
    kind: str,
    vaccine: str,
    fiscal_year: int,
    reference_date: datetime.date | None,
    actor: Any,
    effective_from: datetime.date | None = None,
) -> DecisionRun:
    _check_vaccine(vaccine)
    ref = _clamp_to_fy(reference_date or timezone.localdate(), fiscal_year)
    return DecisionRun.objects.create(
        kind=kind,
        vaccine=vaccine,
        fiscal_year=fiscal_year,
        reference_date=ref,
        effective_from=effective_from or datetime.date(fiscal_year, 4, 1),
        tax_fiscal_year=tax_fiscal_year_for(ref),
        requested_by=actor if getattr(actor, "pk", None) else None,
    )


def decision_run_execute(
    *, run: DecisionRun, target_ids: list[int] | None = None, actor: Any = None, request: HttpRequest | None = None
) -> DecisionRun:
    """Run the set-based decision for a run (season: the whole population; else the given people)."""
    actor = actor or run.requested_by
    claimed = DecisionRun.objects.filter(pk=run.pk, state=DecisionRun.State.QUEUED).update(
        state=DecisionRun.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # another worker has it, or it is finished: idempotent
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    try:
        with transaction.atomic():
            engine.execute(run=run, target_ids=target_ids, actor=actor, request=request)
            run.state = DecisionRun.State.DONE
            run.step = ""
            run.finished_at = timezone.now()
            run.save()
            access_record(
                event=Event.BATCH,
                actor=actor,
                request=request,
                purpose=DECIDE_PURPOSE,
                detail={
                    "decision_run": run.pk,
                    "kind": run.kind,
                    "vaccine": run.vaccine,
                    "fiscal_year": run.fiscal_year,
                    "targets": run.targets,
                    "created": run.created,
                    "tax_reads": run.tax_reads,
                },
            )
    except Exception as exc:
        DecisionRun.objects.filter(pk=run.pk).update(
            state=DecisionRun.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def copayment_decide_season(
    *, vaccine: str, fiscal_year: int, reference_date: datetime.date | None = None, actor: Any
) -> DecisionRun:
    """年度一括判定 for the season's whole target population (set-based SQL, not a loop per person)."""
    run = decision_run_create(
        kind=DecisionRun.Kind.SEASON,
        vaccine=vaccine,
        fiscal_year=fiscal_year,
        reference_date=reference_date,
        actor=actor,
    )
    return decision_run_execute(run=run, actor=actor)


def copayment_decide(
    *,
    resident: Resident,
    vaccine: str,
    fiscal_year: int,
    actor: Any,
    reference_date: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> CopaymentDecision:
    """Decide (or re-decide) one person with the same pipeline as the batch."""
    _check_vaccine(vaccine)
    ref = _clamp_to_fy(reference_date or timezone.localdate(), fiscal_year)
    has_current = CopaymentDecision.objects.filter(
        resident=resident, vaccine=vaccine, fiscal_year=fiscal_year, superseded_at__isnull=True
    ).exists()
    run = decision_run_create(
        kind=DecisionRun.Kind.SINGLE,
        vaccine=vaccine,
        fiscal_year=fiscal_year,
        reference_date=ref,
        actor=actor,
        effective_from=ref if has_current else datetime.date(fiscal_year, 4, 1),
    )
    decision_run_execute(run=run, target_ids=[resident.pk], actor=actor, request=request)
    return CopaymentDecision.objects.get(
        resident=resident, vaccine=vaccine, fiscal_year=fiscal_year, superseded_at__isnull=True
    )


def copayment_redecide_changed(
    *, as_of: datetime.date | None = None, fiscal_year: int | None = None, actor: Any = None
) -> list[DecisionRun]:
    """Redo current automatic decisions whose inputs changed since they were made: a status of anyone in
    the household recorded later, a consent verified or withdrawn later, or the register entry changed.
    The new decision applies from `as_of`; the old one stays in the history up to the day before."""
    as_of = as_of or timezone.localdate()
    fiscal_year = fiscal_year or fy_of(as_of)
    changed = taxdata.decisions_with_changed_inputs(fiscal_year=fiscal_year)
    runs = []
    for vaccine in sorted({v for _rid, v in changed}):
        ids = sorted({rid for rid, v in changed if v == vaccine})
        run = decision_run_create(
            kind=DecisionRun.Kind.REDECIDE,
            vaccine=vaccine,
            fiscal_year=fiscal_year,
            reference_date=as_of,
            actor=actor,
            effective_from=_clamp_to_fy(as_of, fiscal_year),
        )
        runs.append(decision_run_execute(run=run, target_ids=ids, actor=actor))
    return runs


def copayment_decide_at_counter(
    *,
    resident: Resident,
    vaccine: str,
    fiscal_year: int,
    exempt: bool,
    reason: str,
    evidence: str,
    effective_from: datetime.date | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> CopaymentDecision:
    """窓口判定: a decision on proof the resident presents (e.g. the former city's 非課税証明書, a
    保護受給証明書). It needs a reason; it replaces the current decision from `effective_from` and is
    not overwritten by automatic re-decisions."""
    errors: dict[str, list[str]] = {}
    if vaccine not in VACCINE_LABELS:
        errors["vaccine"] = ["自己負担の対象となるワクチンを選択してください。"]
    if not reason.strip():
        errors["reason"] = ["窓口判定の理由を入力してください。"]
    if not evidence.strip():
        errors["evidence"] = ["提示された書類を入力してください。"]
    eff = effective_from or timezone.localdate()
    if not datetime.date(fiscal_year, 4, 1) <= eff <= datetime.date(fiscal_year + 1, 3, 31):
        errors["effective_from"] = [f"適用開始日は{fiscal_year}年度の中の日付にしてください。"]
    if errors:
        exc = ValidationError(errors)
        _refused(actor=actor, request=request, what="copayment_decide_at_counter", errors=exc, resident=resident)
        raise exc
    with transaction.atomic(durable=True):
        current = (
            CopaymentDecision.objects.select_for_update()
            .filter(resident=resident, vaccine=vaccine, fiscal_year=fiscal_year, superseded_at__isnull=True)
            .first()
        )
        now = timezone.now()
        if current is not None:
            current.superseded_at = now
            current.effective_to = eff - datetime.timedelta(days=1)
            current.save(update_fields=["superseded_at", "effective_to"])
        basis = {
            "counter": True,
            "evidence": evidence.strip(),
            "reason": reason.strip(),
            "previous_decision": current.pk if current else None,
        }
        decision = CopaymentDecision.objects.create(
            resident=resident,
            vaccine=vaccine,
            fiscal_year=fiscal_year,
            exempt=exempt,
            reason=Reason.COUNTER_EXEMPT if exempt else Reason.COUNTER_CHARGED,
            method=CopaymentDecision.Method.COUNTER,
            reference_date=eff,
            effective_from=eff,
            basis=basis,
            fingerprint=hashlib.md5(repr(sorted(basis.items())).encode(), usedforsecurity=False).hexdigest(),
            counter_reason=reason.strip(),
            evidence=evidence.strip()[:100],
            decided_by=actor,
            decided_at=now,
        )
        if current is not None:
            current.superseded_by = decision
            current.save(update_fields=["superseded_by"])
        access_record(
            event=Event.UPDATE,
            actor=actor,
            request=request,
            subject=_subject(resident),
            purpose=DECIDE_PURPOSE,
            detail={"counter_decision": decision.pk, "exempt": exempt, "evidence": evidence.strip()[:100]},
        )
    return decision


def copayment_class_on(*, resident_id: int, dose_code: str, on: datetime.date) -> str | None:
    """The co-payment class in force for a dose given (or to be given) on a day: "exempt" or "charged";
    None for doses without a co-payment (A-class). No decision means the co-payment applies."""
    vaccine = vaccine_of_dose(dose_code)
    if vaccine is None:
        return None
    with connection.cursor() as cur:
        cur.execute(
            """SELECT exempt FROM billing_copaymentdecision
               WHERE resident_id = %s AND vaccine = %s AND fiscal_year = %s
                 AND effective_from <= %s AND (effective_to IS NULL OR effective_to >= %s)
               ORDER BY decided_at DESC, id DESC LIMIT 1""",
            [resident_id, vaccine, fy_of(on), on, on],
        )
        row = cur.fetchone()
    return "exempt" if row and row[0] else "charged"


# ---------------------------------------------------------------- fee schedules (料金表)


def fee_schedule_save(*, fee: FeeSchedule, actor: Any, request: HttpRequest | None = None) -> FeeSchedule:
    """Create or change a fee period; overlaps and out-of-year periods are refused with the reason."""
    try:
        fee.full_clean()
    except ValidationError as exc:
        _refused(actor=actor, request=request, what="fee_schedule_save", errors=exc, resident=None)
        raise
    with transaction.atomic(durable=True):
        fee.save()
    return fee


def fee_for(*, dose_code: str, on: datetime.date) -> FeeSchedule | None:
    return FeeSchedule.objects.filter(dose_code=dose_code, valid_from__lte=on, valid_to__gte=on).first()
