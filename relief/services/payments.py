"""支給決定と支払: the payment decision (the amount from the year's rates or the actual costs, the schedule of
payments, the 支給決定通知書), finance's payment of each one, and a pension's next fiscal year of
instalments once that year's amount is entered."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import Event
from audit.services import access_record
from core.legal_age import fiscal_year
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from core.wareki import format_wareki

from ..models import BenefitRate, Claim, ClaimEvent, LetterKind, PayeeAccount, Payment, Result, State
from ..rules import PAY_KIND, PayKind
from ._shared import PURPOSE, fresh, removing_on_failure, require_handle, subject_of, today
from .instalments import add_months, lump_due, pay_date_for_month, pension_instalments
from .letters import letter_issue
from .rates import no_rate_message, rate_for
from .workflow import last_step_date


def payment_decide(
    *,
    actor: Any,
    origin: Origin,
    claim: Claim,
    decided_on: datetime.date | None,
    amount: int | None = None,
    months: int | None = None,
    allowance_grade: str = "",
    note: str = "",
) -> Claim:
    """支給決定: the amount from the year's rates (or the actual costs), the payment schedule, the letter."""
    require_handle(actor, claim)
    claim = fresh(claim)
    errors: dict[str, list[str]] = {}
    if claim.state != State.NOTIFIED:
        errors["to_state"] = [f"「{claim.get_state_display()}」の申請は支給決定できません(決定通知の後に行います)。"]
    elif claim.result != Result.CERTIFIED:
        errors["to_state"] = ["否認された申請は支給決定できません(不支給決定を行ってください)。"]
    if decided_on is None:
        errors["decided_on"] = ["支給決定日を入力してください。"]
    elif decided_on > today():
        errors["decided_on"] = ["未来の日付は入力できません。"]
    elif decided_on < last_step_date(claim):
        errors["decided_on"] = [f"支給決定日が前の手続の日({format_wareki(last_step_date(claim))})より前です。"]
    if not PayeeAccount.objects.filter(claim=claim).exists():
        errors["account"] = ["振込口座(公金受取口座または申出口座)を先に登録してください。"]
    rows: list[dict[str, Any]] = []
    if not errors and decided_on is not None:
        rows = _scheduled_payments(claim, decided_on, amount, months, allowance_grade, errors)
    if errors:
        record_refusal(
            actor=actor,
            action="payment_decide",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=claim.resident.atena_no,
            obj=claim,
            purpose=PURPOSE,
            errors=errors,
        )
        raise ValidationError(errors)
    return removing_on_failure(
        _payment_decide_apply, actor=actor, origin=origin, claim=claim, decided_on=decided_on, rows=rows, note=note
    )


def _scheduled_payments(
    claim: Claim,
    decided_on: datetime.date,
    amount: int | None,
    months: int | None,
    allowance_grade: str,
    errors: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """The payments a decision on `decided_on` schedules, by the benefit's kind; what is missing for them
    (an amount, a rate for the year) goes into `errors`."""
    fy = fiscal_year(decided_on)
    kind = PAY_KIND[claim.benefit]
    if kind == PayKind.ACTUAL:
        if not amount or amount <= 0:
            errors["amount"] = ["医療費(自己負担額)を1円以上で入力してください。"]
            return []
        return [{"due_on": lump_due(decided_on), "amount": amount, "fiscal_year": fy}]
    if kind == PayKind.MONTHLY:
        rate = rate_for(claim, fy, allowance_grade)
        if rate is None:
            errors["amount"] = [no_rate_message(claim, fy, allowance_grade)]
            return []
        if not months or months <= 0:
            errors["months"] = ["医療手当の月数を入力してください。"]
            return []
        return [{"due_on": lump_due(decided_on), "amount": rate.amount * months, "fiscal_year": fy}]
    if kind == PayKind.ONCE:
        rate = rate_for(claim, fy)
        if rate is None:
            errors["amount"] = [no_rate_message(claim, fy, "")]
            return []
        return [{"due_on": lump_due(decided_on), "amount": rate.amount, "fiscal_year": fy}]
    # pension: from the month after the claim was received, to the end of the decision's fiscal year (or of
    # the first month's, when the claim came in the last month of a year)
    first_month = add_months(claim.received_on.replace(day=1), 1)
    last_fy = max(fy, fiscal_year(first_month))
    annual: dict[int, int] = {}
    for year in range(fiscal_year(first_month), last_fy + 1):
        yearly = rate_for(claim, year, claim.grade)
        if yearly is None:
            errors.setdefault("amount", []).append(no_rate_message(claim, year, claim.grade))
        else:
            annual[year] = yearly.amount
    if errors:
        return []
    return pension_instalments(
        first_month=first_month, last_month=datetime.date(last_fy + 1, 3, 1), not_before=decided_on, annual=annual
    )


@transaction.atomic(durable=True)
def _payment_decide_apply(
    *,
    actor: Any,
    origin: Origin,
    claim: Claim,
    decided_on: datetime.date | None,
    rows: list[dict[str, Any]],
    note: str,
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
    letter_issue(actor=actor, claim=claim, kind=LetterKind.PAYMENT, issued_on=decided_on, written=written)
    access_record(
        event=Event.UPDATE,
        actor=actor,
        origin=origin,
        subject=subject_of(claim),
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


def payment_mark_paid(*, actor: Any, origin: Origin, payment: Payment, paid_on: datetime.date | None) -> Payment:
    """Record that finance paid one payment; the first one paid moves the claim to 支払済."""
    claim = payment.claim
    require_handle(actor, claim)
    errors: dict[str, list[str]] = {}
    if payment.status not in (Payment.Status.SCHEDULED, Payment.Status.EXPORTED):
        errors["payment"] = [f"この支払は「{payment.get_status_display()}」のため支払済にできません。"]
    if paid_on is None:
        errors["paid_on"] = ["支払日を入力してください。"]
    elif paid_on > today():
        errors["paid_on"] = ["未来の日付は入力できません。"]
    elif claim.decided_on and paid_on < claim.decided_on:
        errors["paid_on"] = [f"支払日が支給決定日({format_wareki(claim.decided_on)})より前です。"]
    if errors:
        record_refusal(
            actor=actor,
            action="payment_mark_paid",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=claim.resident.atena_no,
            obj=claim,
            purpose=PURPOSE,
            errors=errors,
        )
        raise ValidationError(errors)
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
            origin=origin,
            subject=subject_of(claim),
            purpose=PURPOSE,
            detail={"claim_no": claim.claim_no, "payment": payment.seq, "paid_on": str(paid_on)},
        )
    return payment


def pension_schedule_extend(*, actor: Any, origin: Origin, claim: Claim) -> int:
    """Add the next fiscal year's instalments of a pension once that year's amount is entered."""
    require_handle(actor, claim)
    errors: dict[str, list[str]] = {}
    rate: BenefitRate | None = None
    last = claim.payments.exclude(status=Payment.Status.CANCELLED).order_by("-period_to").first()
    if (
        not claim.is_pension
        or claim.state not in (State.PAYMENT_DECIDED, State.PAID)
        or last is None
        or last.period_to is None
    ):
        errors["claim"] = ["支給中の年金にだけ次年度の支払予定を作成できます。"]
    else:
        first_month = add_months(last.period_to.replace(day=1), 1)
        fy = fiscal_year(first_month)
        rate = rate_for(claim, fy, claim.grade)
        if rate is None:
            errors["amount"] = [no_rate_message(claim, fy, claim.grade)]
    if rate is None:  # and `errors` says why
        record_refusal(
            actor=actor,
            action="pension_extend",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=claim.resident.atena_no,
            obj=claim,
            purpose=PURPOSE,
            errors=errors,
        )
        raise ValidationError(errors)
    rows = pension_instalments(
        first_month=first_month,
        last_month=datetime.date(fy + 1, 3, 1),
        not_before=pay_date_for_month(first_month),
        annual={fy: rate.amount},
    )
    with transaction.atomic(durable=True):
        start = (claim.payments.aggregate(m=Max("seq"))["m"] or 0) + 1
        Payment.objects.bulk_create([Payment(claim=claim, seq=start + i, **row) for i, row in enumerate(rows)])
        ClaimEvent.objects.create(
            claim=claim,
            action=f"{fy}年度の支払予定を作成",
            actor=actor,
            on_date=today(),
            note=f"{len(rows)} 回 計 {sum(r['amount'] for r in rows):,} 円",
        )
    return len(rows)
