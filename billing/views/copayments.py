"""Co-payment screens: consent forms (keying, four-eyes verification, withdrawal) and decisions
(one person, at the counter, season runs, the stored basis)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import Event
from audit.services import Subject, access_record, access_record_bulk
from core.decorators import require_perm
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from residents.access import resident_get_for_user
from residents.models import Resident

from .. import purposes, selectors, services, tasks
from ..forms import (
    ConsentEntryForm,
    ConsentForm,
    ConsentRejectForm,
    ConsentVerifyForm,
    ConsentWithdrawForm,
    CounterDecisionForm,
    DecideForm,
)
from ..models import Consent, CopaymentDecision, DecisionRun
from ..vaccines import VACCINE_LABELS
from . import errors_text


def _origin(request: HttpRequest) -> Origin:
    return Origin.of(request, purpose=purposes.COPAYMENT)


def _refused(request: HttpRequest, action: str, errors: ErrorDict) -> None:
    """Input refused at the form: nothing stored, but the attempt is in the audit trail."""
    record_refusal(
        actor=request.user,
        action=action,
        outcome=Outcome.INVALID,
        origin=_origin(request),
        purpose=purposes.COPAYMENT,
        errors=errors,
    )


def _resident_page(resident: Resident) -> str:
    return reverse("residents:detail", args=[resident.pk]) + "#copayment"


# ---------------------------------------------------------------- consents


@require_perm("billing.add_consent")
def consent_entry(request: HttpRequest) -> HttpResponse:
    """Keying screen for paper consent forms (10-key friendly: Enter moves to the next field)."""
    form = ConsentEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            resident = Resident.objects.filter(atena_no=data.pop("atena_no")).first()
            if resident is None:
                form.add_error("atena_no", "該当する住民が見つかりません。宛番号を確認してください。")
            else:
                try:
                    consent = services.consent_create(
                        resident=resident, actor=request.user, origin=_origin(request), **data
                    )
                except ValidationError as exc:
                    form.add_error(None, errors_text(exc))
                else:
                    messages.success(request, f"{resident.atena_no} {resident.name} の同意書を入力しました(照合待ち)。")
                    request.session["billing_last_consent"] = consent.pk
                    return redirect("billing:consent_entry")
        else:
            _refused(request, "consent_entry", form.errors)
        status = 400
    recent = Consent.objects.filter(keyed_by=request.user).select_related("resident").order_by("-keyed_at")[:10]
    return render(request, "billing/consent_entry.html", {"form": form, "recent": recent}, status=status)


@require_POST
@require_perm("billing.add_consent")
def consent_add(request: HttpRequest, pk: int) -> HttpResponse:
    resident = resident_get_for_user(request.user, pk)
    form = ConsentForm(request.POST, prefix="consent")
    if not form.is_valid():
        _refused(request, "consent_add", form.errors)
        messages.error(
            request, "同意書を登録できませんでした: " + " ".join(e for es in form.errors.values() for e in es)
        )
        return redirect(_resident_page(resident))
    try:
        services.consent_create(resident=resident, actor=request.user, origin=_origin(request), **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "同意書を登録できませんでした: " + errors_text(exc))
    else:
        messages.success(request, "同意書を入力しました。別の職員の照合後に有効になります。")
    return redirect(_resident_page(resident))


@require_GET
@require_perm("billing.verify_consent")
def consent_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/consent_queue.html", {"consents": selectors.consents_to_verify(request.user)[:200]})


def _consent_for(request: HttpRequest, pk: int) -> Consent:
    consent = get_object_or_404(Consent.objects.select_related("resident", "keyed_by"), pk=pk)
    resident_get_for_user(request.user, consent.resident_id)
    return consent


@require_perm("billing.verify_consent")
def consent_verify(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _consent_for(request, pk)
    form = ConsentVerifyForm(request.POST or None)
    reject_form = ConsentRejectForm()
    status = 200
    if request.method == "POST":
        if "reject" in request.POST:
            reject_form = ConsentRejectForm(request.POST)
            if reject_form.is_valid():
                try:
                    services.consent_reject(
                        consent=consent,
                        reason=reject_form.cleaned_data["reason"],
                        actor=request.user,
                        origin=_origin(request),
                    )
                except ValidationError as exc:
                    reject_form.add_error(None, errors_text(exc))
                else:
                    messages.success(request, "同意書を差し戻しました。")
                    return redirect("billing:consent_queue")
            form = ConsentVerifyForm()
        elif form.is_valid():
            try:
                services.consent_verify(
                    consent=consent, actor=request.user, origin=_origin(request), **form.cleaned_data
                )
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(None if field == "__all__" else field, errs)
            else:
                messages.success(request, f"{consent.resident.name} の同意書を照合しました。")
                return redirect("billing:consent_queue")
        status = 400
    access_record(
        event=Event.VIEW,
        actor=request.user,
        origin=_origin(request),
        subject=Subject(consent.resident.atena_no, consent.resident),
        purpose=purposes.CONSENT_VERIFY,
        detail={"consent": consent.pk},
    )
    return render(
        request,
        "billing/consent_verify.html",
        {"consent": consent, "form": form, "reject_form": reject_form},
        status=status,
    )


@require_POST
@require_perm("billing.add_consent")
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _consent_for(request, pk)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "撤回日を正しく入力してください。")
        return redirect(_resident_page(consent.resident))
    try:
        services.consent_withdraw(
            consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"], actor=request.user, origin=_origin(request)
        )
    except ValidationError as exc:
        messages.error(request, "撤回できませんでした: " + errors_text(exc))
    else:
        messages.success(request, "同意書の撤回を記録しました。")
    return redirect(_resident_page(consent.resident))


# ---------------------------------------------------------------- decisions


@require_POST
@require_perm("billing.decide_copayment")
def decide_person(request: HttpRequest, pk: int) -> HttpResponse:
    resident = resident_get_for_user(request.user, pk)
    form = DecideForm(request.POST, prefix="decide")
    if not form.is_valid():
        messages.error(request, "判定条件を正しく入力してください。")
        return redirect(_resident_page(resident))
    d = form.cleaned_data
    try:
        decision = services.copayment_decide(
            resident=resident,
            vaccine=d["vaccine"],
            fiscal_year=d["fiscal_year"],
            reference_date=d.get("reference_date"),
            actor=request.user,
            origin=_origin(request),
        )
    except ValidationError as exc:
        messages.error(request, "判定できませんでした: " + errors_text(exc))
    else:
        messages.success(
            request,
            f"{VACCINE_LABELS[decision.vaccine]}: {'免除' if decision.exempt else '自己負担あり'}と判定しました。",
        )
    return redirect(_resident_page(resident))


@require_POST
@require_perm("billing.decide_copayment")
def decide_counter(request: HttpRequest, pk: int) -> HttpResponse:
    resident = resident_get_for_user(request.user, pk)
    form = CounterDecisionForm(request.POST, prefix="counter")
    if not form.is_valid():
        _refused(request, "decide_counter", form.errors)
        messages.error(
            request, "窓口判定を登録できませんでした: " + " ".join(e for es in form.errors.values() for e in es)
        )
        return redirect(_resident_page(resident))
    try:
        services.copayment_decide_at_counter(
            resident=resident, actor=request.user, origin=_origin(request), **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, "窓口判定を登録できませんでした: " + errors_text(exc))
    else:
        messages.success(request, "窓口判定を登録しました。")
    return redirect(_resident_page(resident))


@require_GET
@require_perm("billing.view_copaymentdecision")
def decision_basis(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored basis of one decision; it shows tax categories, so viewing it is itself recorded."""
    decision = get_object_or_404(CopaymentDecision.objects.select_related("resident", "decided_by", "consent"), pk=pk)
    resident = resident_get_for_user(request.user, decision.resident_id)
    access_record(
        event=Event.VIEW,
        actor=request.user,
        origin=_origin(request),
        subject=Subject(resident.atena_no, decision),
        purpose=purposes.DECISION_BASIS,
        detail={"decision": decision.pk},
    )
    # the basis shows the other household members' tax categories: each of them is a subject too
    others = [m["atena_no"] for m in decision.basis.get("household", []) if m.get("atena_no") != resident.atena_no]
    if others:
        access_record_bulk(
            event=Event.VIEW,
            actor=request.user,
            subjects=(Subject(a) for a in others),
            purpose=purposes.DECISION_BASIS,
            origin=_origin(request),
            detail={"decision": decision.pk, "as_household_member_of": resident.atena_no},
        )
    return render(request, "billing/decision_basis.html", {"d": decision, "resident": resident})


@require_perm("billing.decide_copayment")
def decisions(request: HttpRequest) -> HttpResponse:
    """Season runs: start one (a Celery batch), watch its progress, start the re-decision of changes."""
    fy = selectors.current_fiscal_year()
    form = DecideForm(request.POST or None, initial={"fiscal_year": fy})
    if request.method == "POST":
        if "redecide" in request.POST:
            tasks.redecide_changed_task.delay_on_commit(request.user.pk)
            messages.success(request, "状態変更のあった方の再判定を開始しました。")
            return redirect("billing:decisions")
        if form.is_valid():
            d = form.cleaned_data
            try:
                run = services.decision_run_create(
                    kind=DecisionRun.Kind.SEASON,
                    vaccine=d["vaccine"],
                    fiscal_year=d["fiscal_year"],
                    reference_date=d.get("reference_date"),
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, errors_text(exc))
            else:
                tasks.decision_run_task.delay_on_commit(run.pk)
                messages.success(request, "年度一括判定を開始しました。進み具合は下の一覧で確認できます。")
                return redirect("billing:decisions")
        return render(request, "billing/decisions.html", {"form": form, "runs": selectors.recent_runs()}, status=400)
    return render(request, "billing/decisions.html", {"form": form, "runs": selectors.recent_runs()})


@require_GET
@require_perm("billing.decide_copayment")
def runs_partial(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/_runs.html", {"runs": selectors.recent_runs(), "now": timezone.now()})
