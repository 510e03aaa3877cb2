"""The workflow of a claim (domain.md step 10): 受付 → 調査 → 進達 → 審査結果 → 決定通知 → 支給決定 or
不支給 → 支払, with 審査請求 after a decision. One step at a time, in order, dated no earlier than the
step before; anything out of order is refused and recorded. The decision and non-payment steps issue
their letters."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import Event
from audit.services import access_record
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from core.wareki import format_wareki

from ..models import Claim, ClaimEvent, LetterKind, Result, State
from ..rules import Benefit
from ._shared import PURPOSE, fresh, removing_on_failure, require_handle, subject_of, today
from .letters import letter_issue

# each state lists the states it may move to
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
STATE_DATE_FIELD: dict[str, str] = {
    State.INVESTIGATING: "committee_on",
    State.FORWARDED: "forwarded_on",
    State.RESULT_RECEIVED: "result_on",
    State.NOTIFIED: "notified_on",
    State.PAYMENT_DECIDED: "decided_on",
    State.NOT_PAID: "decided_on",
    State.APPEALED: "appealed_on",
}
# steps taken on their own screens (they need more than a date)
SPECIAL_STEPS: dict[str, str] = {
    State.PAYMENT_DECIDED: "支給決定は「支給決定」から行います。",
    State.PAID: "支払済は支払の記録で進みます。",
}
PENSION_GRADES: dict[str, tuple[str, ...]] = {
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
    origin: Origin,
    claim: Claim,
    to_state: str,
    on_date: datetime.date | None,
    note: str = "",
    result: str = "",
    grade: str = "",
) -> Claim:
    """Move a claim one step along the workflow; anything out of order is refused and recorded."""
    require_handle(actor, claim)
    claim = fresh(claim)
    errors = _transition_errors(claim, to_state, on_date, result, grade)
    if errors:
        record_refusal(
            actor=actor,
            action=f"transition:{claim.state}->{to_state}",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=claim.resident.atena_no,
            obj=claim,
            purpose=PURPOSE,
            errors=errors,
        )
        raise ValidationError(errors)
    return removing_on_failure(
        _apply_transition,
        actor=actor,
        origin=origin,
        claim=claim,
        to_state=to_state,
        on_date=on_date,
        note=note,
        result=result,
        grade=grade,
    )


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
        if on_date > today():
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
    origin: Origin,
    claim: Claim,
    to_state: str,
    on_date: datetime.date | None,
    note: str,
    result: str,
    grade: str,
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
        letter_issue(actor=actor, claim=claim, kind=LetterKind.DECISION, issued_on=on_date, written=written)
    if to_state == State.NOT_PAID:
        letter_issue(actor=actor, claim=claim, kind=LetterKind.NON_PAYMENT, issued_on=on_date, written=written)
    access_record(
        event=Event.UPDATE,
        actor=actor,
        origin=origin,
        subject=subject_of(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no, "from": from_state, "to": to_state},
    )
    return claim
