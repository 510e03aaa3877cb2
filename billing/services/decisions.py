"""Co-payment decisions (自己負担判定): runs for the season, one person or the changed ones, and the counter.

Automatic decisions are made by one set-based pipeline (engine) whatever the number of people; a
run is a row with a state, claimed by compare-and-set so a redelivered task decides nothing twice. A
counter decision (窓口判定) rests on proof the resident brings and is never overwritten automatically.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Staff
from audit.models import Event
from audit.services import Subject, access_record
from core.legal_age import fiscal_year as fy_of
from core.legal_age import fy_end, fy_start
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from residents.models import Resident

from .. import purposes
from ..models import CopaymentDecision, DecisionRun, Reason
from ..vaccines import VACCINE_LABELS, tax_fiscal_year_for
from . import engine, taxdata


def _clamp_to_fy(day: datetime.date, fiscal_year: int) -> datetime.date:
    return min(max(day, fy_start(fiscal_year)), fy_end(fiscal_year))


def _check_vaccine(vaccine: str) -> None:
    if vaccine not in VACCINE_LABELS:
        raise ValidationError({"vaccine": ["自己負担の対象となるワクチンを選択してください。"]})


def decision_run_create(
    *,
    kind: str,
    vaccine: str,
    fiscal_year: int,
    reference_date: datetime.date | None,
    actor: Staff | None,
    effective_from: datetime.date | None = None,
) -> DecisionRun:
    """A queued run (nothing is decided yet: decision_run_execute, in a worker or inline, does that)."""
    _check_vaccine(vaccine)
    ref = _clamp_to_fy(reference_date or timezone.localdate(), fiscal_year)
    return DecisionRun.objects.create(
        kind=kind,
        vaccine=vaccine,
        fiscal_year=fiscal_year,
        reference_date=ref,
        effective_from=effective_from or fy_start(fiscal_year),
        tax_fiscal_year=tax_fiscal_year_for(ref),
        requested_by=actor if getattr(actor, "pk", None) else None,
    )


def decision_run_execute(
    *, run: DecisionRun, target_ids: list[int] | None = None, actor: Staff | None, origin: Origin
) -> DecisionRun:
    """Run the set-based decision for a run (season: the whole population; else the given people)."""
    claimed = DecisionRun.objects.filter(pk=run.pk, state=DecisionRun.State.QUEUED).update(
        state=DecisionRun.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:  # another worker has it, or it is finished: idempotent
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    try:
        with transaction.atomic():
            engine.execute(run=run, target_ids=target_ids, actor=actor, origin=origin)
            run.state = DecisionRun.State.DONE
            run.step = ""
            run.finished_at = timezone.now()
            run.save()
            access_record(
                event=Event.BATCH,
                actor=actor,
                origin=origin,
                purpose=purposes.DECIDE,
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
    *, vaccine: str, fiscal_year: int, reference_date: datetime.date | None = None, actor: Staff, origin: Origin
) -> DecisionRun:
    """年度一括判定 for the season's whole target population (set-based SQL, not a loop per person)."""
    run = decision_run_create(
        kind=DecisionRun.Kind.SEASON,
        vaccine=vaccine,
        fiscal_year=fiscal_year,
        reference_date=reference_date,
        actor=actor,
    )
    return decision_run_execute(run=run, actor=actor, origin=origin)


def copayment_decide(
    *,
    resident: Resident,
    vaccine: str,
    fiscal_year: int,
    reference_date: datetime.date | None = None,
    actor: Staff,
    origin: Origin,
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
        effective_from=ref if has_current else fy_start(fiscal_year),
    )
    decision_run_execute(run=run, target_ids=[resident.pk], actor=actor, origin=origin)
    return CopaymentDecision.objects.get(
        resident=resident, vaccine=vaccine, fiscal_year=fiscal_year, superseded_at__isnull=True
    )


def copayment_redecide_changed(
    *,
    as_of: datetime.date | None = None,
    fiscal_year: int | None = None,
    actor: Staff | None,
    origin: Origin,
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
        runs.append(decision_run_execute(run=run, target_ids=ids, actor=actor, origin=origin))
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
    actor: Staff,
    origin: Origin,
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
    if not fy_start(fiscal_year) <= eff <= fy_end(fiscal_year):
        errors["effective_from"] = [f"適用開始日は{fiscal_year}年度の中の日付にしてください。"]
    if errors:
        exc = ValidationError(errors)
        record_refusal(
            actor=actor,
            action="copayment_decide_at_counter",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=resident.atena_no,
            obj=resident,
            purpose=purposes.COPAYMENT,
            errors=exc,
        )
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
            origin=origin,
            subject=Subject(atena_no=resident.atena_no, obj=resident),
            purpose=purposes.DECIDE,
            detail={"counter_decision": decision.pk, "exempt": exempt, "evidence": evidence.strip()[:100]},
        )
    return decision
