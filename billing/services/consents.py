"""Consent forms (同意書): keyed by one member of staff, verified by another (four eyes), rejected or withdrawn.

Only a verified consent lets the decision read the person's tax status (see taxdata). Bad input is refused
before anything is written, and the refusal is recorded (core.refusals).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Staff
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from residents.models import Resident

from .. import purposes
from ..models import Consent


def _refuse_input(*, actor: Staff, origin: Origin, action: str, resident: Resident, errors: ValidationError) -> None:
    record_refusal(
        actor=actor,
        action=action,
        outcome=Outcome.INVALID,
        origin=origin,
        subject_atena=resident.atena_no,
        obj=resident,
        purpose=purposes.COPAYMENT,
        errors=errors,
    )


def consent_create(
    *,
    resident: Resident,
    filed_on: datetime.date,
    expires_on: datetime.date,
    channel: str,
    scope: str = "all",
    form_no: str = "",
    note: str = "",
    actor: Staff,
    origin: Origin,
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
        _refuse_input(actor=actor, origin=origin, action="consent_create", resident=resident, errors=exc)
        raise
    with transaction.atomic(durable=True):
        consent.save()
    return consent


def consent_verify(
    *,
    consent: Consent,
    filed_on: datetime.date | None,
    expires_on: datetime.date | None,
    actor: Staff,
    origin: Origin,
) -> Consent:
    """Four-eyes check: a different member of staff re-keys the dates from the paper form."""
    if consent.keyed_by_id == actor.pk:
        record_refusal(
            actor=actor,
            action="consent_verify",
            outcome=Outcome.DENIED,
            origin=origin,
            subject_atena=consent.resident.atena_no,
            obj=consent.resident,
            purpose=purposes.CONSENT,
            reason="keyer_cannot_verify",
            consent=consent.pk,
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
        _refuse_input(actor=actor, origin=origin, action="consent_verify", resident=consent.resident, errors=exc)
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


def consent_reject(*, consent: Consent, reason: str, actor: Staff, origin: Origin) -> Consent:
    """差戻し: the verifier found the keyed form wrong; the keyer enters it again."""
    if consent.keyed_by_id == actor.pk:
        raise PermissionDenied("自分が入力した同意書は差し戻せません。")
    if not reason.strip():
        exc = ValidationError({"reason": ["差戻しの理由を入力してください。"]})
        _refuse_input(actor=actor, origin=origin, action="consent_reject", resident=consent.resident, errors=exc)
        raise exc
    if consent.state != Consent.State.PENDING:
        raise ValidationError("照合待ちの同意書だけを差し戻せます。")
    with transaction.atomic(durable=True):
        consent.state = Consent.State.REJECTED
        consent.rejected_reason = reason.strip()[:200]
        consent.changed_at = timezone.now()
        consent.save(update_fields=["state", "rejected_reason", "changed_at"])
    return consent


def consent_withdraw(*, consent: Consent, withdrawn_on: datetime.date, actor: Staff, origin: Origin) -> Consent:
    """撤回: from that day on the tax status is no longer read for the person."""
    if consent.state != Consent.State.VERIFIED:
        raise ValidationError("照合済の同意書だけを撤回できます。")
    if withdrawn_on < consent.filed_on:
        exc = ValidationError({"withdrawn_on": ["撤回日は同意書提出日以降の日付にしてください。"]})
        _refuse_input(actor=actor, origin=origin, action="consent_withdraw", resident=consent.resident, errors=exc)
        raise exc
    with transaction.atomic(durable=True):
        consent.state = Consent.State.WITHDRAWN
        consent.withdrawn_on = withdrawn_on
        consent.changed_at = timezone.now()
        consent.save(update_fields=["state", "withdrawn_on", "changed_at"])
    return consent
