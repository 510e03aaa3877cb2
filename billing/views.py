"""Thin views: parse, authorize (require_perm + access helpers), call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.models import Event
from audit.services import Subject, access_record, access_record_bulk
from core.decorators import require_perm
from residents.access import resident_get_for_user
from residents.models import Resident

from . import claims as claims_svc
from . import selectors, services, tasks
from .forms import (
    ConsentEntryForm,
    ConsentForm,
    ConsentRejectForm,
    ConsentVerifyForm,
    ConsentWithdrawForm,
    CounterDecisionForm,
    DecideForm,
)
from .models import Claim, Consent, CopaymentDecision, DecisionRun
from .vaccines import VACCINE_LABELS


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _refused(request: HttpRequest, what: str, errors: dict) -> None:
    """Input refused at the form: nothing stored, but the attempt is in the audit trail."""
    access_record(
        event=Event.DENIED,
        request=request,
        purpose="実費の徴収",
        detail={"refused": what, "errors": {k: [str(e) for e in v] for k, v in errors.items()}},
        outcome="refused",
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
                    consent = services.consent_create(resident=resident, actor=request.user, request=request, **data)
                except ValidationError as exc:
                    form.add_error(None, _errors_text(exc))
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
        services.consent_create(resident=resident, actor=request.user, request=request, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "同意書を登録できませんでした: " + _errors_text(exc))
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
                        consent=consent, reason=reject_form.cleaned_data["reason"], actor=request.user, request=request
                    )
                except ValidationError as exc:
                    reject_form.add_error(None, _errors_text(exc))
                else:
                    messages.success(request, "同意書を差し戻しました。")
                    return redirect("billing:consent_queue")
            form = ConsentVerifyForm()
        elif form.is_valid():
            try:
                services.consent_verify(consent=consent, actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(None if field == "__all__" else field, errs)
            else:
                messages.success(request, f"{consent.resident.name} の同意書を照合しました。")
                return redirect("billing:consent_queue")
        status = 400
    access_record(
        event=Event.VIEW,
        request=request,
        subject=Subject(consent.resident.atena_no, consent.resident),
        purpose="実費の徴収 / 同意書の照合",
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
            consent=consent, withdrawn_on=form.cleaned_data["withdrawn_on"], actor=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, "撤回できませんでした: " + _errors_text(exc))
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
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "判定できませんでした: " + _errors_text(exc))
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
            resident=resident, actor=request.user, request=request, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, "窓口判定を登録できませんでした: " + _errors_text(exc))
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
        request=request,
        subject=Subject(resident.atena_no, decision),
        purpose="実費の徴収 / 判定根拠の確認",
        detail={"decision": decision.pk},
    )
    # the basis shows the other household members' tax categories: each of them is a subject too
    others = [m["atena_no"] for m in decision.basis.get("household", []) if m.get("atena_no") != resident.atena_no]
    if others:
        access_record_bulk(
            event=Event.VIEW,
            actor=request.user,
            subjects=(Subject(a) for a in others),
            purpose="実費の徴収 / 判定根拠の確認",
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
                form.add_error(None, _errors_text(exc))
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


# ---------------------------------------------------------------- fee schedules


@require_GET
@require_perm("billing.view_feeschedule")
def fees(request: HttpRequest) -> HttpResponse:
    fy_text = request.GET.get("fy", "")
    fy = int(fy_text) if fy_text.isdigit() else None
    return render(
        request,
        "billing/fees.html",
        {
            "fees": selectors.fee_schedules(fy),
            "fy": fy,
            "can_edit": request.user.has_perm("billing.change_feeschedule"),
        },
    )


# ---------------------------------------------------------------- claims


def _year_month(data) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    y, m = str(data.get("year", "")).strip(), str(data.get("month", "")).strip()
    if not (y.isdigit() and m.isdigit()):
        return None
    return int(y), int(m)


@require_GET
@require_perm("billing.view_claim")
def claims_month(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    default = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    ym = _year_month(request.GET) if request.GET else default
    if ym is None or not 1 <= ym[1] <= 12:
        return render(request, "billing/bad_request.html", {"message": "年月を数字で入力してください。"}, status=400)
    year, month = ym
    claims = list(
        Claim.objects.filter(year=year, month=month).select_related("institution").order_by("institution__code")
    )
    totals = {
        "lines": sum(c.line_count for c in claims),
        "held": sum(c.exception_count for c in claims),
        "fee": sum(c.fee_total for c in claims),
        "copayment": sum(c.copayment_total for c in claims),
        "due": sum(c.due_total for c in claims),
    }
    return render(
        request,
        "billing/claims.html",
        {
            "year": year,
            "month": month,
            "month_label": claims_svc.month_label(year, month),
            "claims": claims,
            "totals": totals,
            "has_approved": any(c.status != Claim.Status.DRAFT for c in claims),
            "can_run": request.user.has_perm("billing.run_claims"),
            "can_export": request.user.has_perm("billing.export_claims"),
        },
    )


@require_POST
@require_perm("billing.run_claims")
def claims_prepare(request: HttpRequest) -> HttpResponse:
    ym = _year_month(request.POST)
    if ym is None:
        return render(request, "billing/bad_request.html", {"message": "年月を数字で入力してください。"}, status=400)
    year, month = ym
    try:
        summary = claims_svc.claims_prepare(year=year, month=month, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(
            request,
            f"{claims_svc.month_label(year, month)}の請求を作成しました"
            f"({summary['claims']}機関、明細{summary['lines']}件、うち保留{summary['held']}件)。",
        )
    return redirect(f"{reverse('billing:claims')}?year={year}&month={month}")


def _claim_for(pk: int) -> Claim:
    return get_object_or_404(Claim.objects.select_related("institution", "approved_by"), pk=pk)


@require_GET
@require_perm("billing.view_claim")
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(pk)
    only_held = request.GET.get("held") == "1"
    lines = claim.lines.select_related("resident").order_by("exception", "vaccinated_on", "id")
    if only_held:
        lines = lines.exclude(exception="")
    limit = 500
    shown = list(lines[: limit + 1])
    # the lines name residents: one access record per person shown
    access_record_bulk(
        event=Event.VIEW,
        actor=request.user,
        subjects=(Subject(line.resident.atena_no) for line in shown[:limit]),
        purpose=claims_svc.PURPOSE,
        detail={"claim": claim.pk},
    )
    return render(
        request,
        "billing/claim_detail.html",
        {
            "claim": claim,
            "month_label": claims_svc.month_label(claim.year, claim.month),
            "rows": claims_svc.claim_statement_rows(claim),
            "lines": shown[:limit],
            "truncated": len(shown) > limit,
            "only_held": only_held,
            "can_run": request.user.has_perm("billing.run_claims"),
            "can_export": request.user.has_perm("billing.export_claims"),
        },
    )


@require_GET
@require_perm("billing.view_claim")
def claim_history(request: HttpRequest, institution_id: int) -> HttpResponse:
    from immunization.models import Institution

    institution = get_object_or_404(Institution, pk=institution_id)
    claims = Claim.objects.filter(institution=institution).order_by("-year", "-month")
    return render(request, "billing/claim_history.html", {"institution": institution, "claims": claims})


def _claim_step(request: HttpRequest, pk: int, act: Callable[[Claim], Any], done: str) -> HttpResponse:
    """Approve, unapprove or mark paid: the service refuses with a message; either way back to the claim."""
    try:
        act(_claim_for(pk))
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, done)
    return redirect("billing:claim_detail", pk=pk)


@require_POST
@require_perm("billing.run_claims")
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request,
        pk,
        lambda claim: claims_svc.claim_approve(claim=claim, actor=request.user, request=request),
        "請求を承認しました。",
    )


@require_POST
@require_perm("billing.run_claims")
def claim_unapprove(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request,
        pk,
        lambda claim: claims_svc.claim_unapprove(claim=claim, actor=request.user, request=request),
        "承認を取り消しました。",
    )


@require_POST
@require_perm("billing.run_claims")
def claim_paid(request: HttpRequest, pk: int) -> HttpResponse:
    from core.wareki import parse_date

    try:
        paid_on = parse_date(request.POST.get("paid_on", ""))
    except ValueError as exc:
        messages.error(request, f"支払日: {exc}")
        return redirect("billing:claim_detail", pk=pk)
    return _claim_step(
        request,
        pk,
        lambda claim: claims_svc.claim_mark_paid(claim=claim, paid_on=paid_on, actor=request.user, request=request),
        "支払日を登録しました。この請求は以後変更できません。",
    )


@require_GET
@require_perm("billing.export_claims")
def claim_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(pk)
    pdf = claims_svc.claim_statement_pdf(claim=claim, actor=request.user, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="statement_{claim.institution.code}_{claim.year}{claim.month:02d}.pdf"'
    )
    return response


@require_GET
@require_perm("billing.export_claims")
def finance_csv(request: HttpRequest) -> HttpResponse:
    ym = _year_month(request.GET)
    if ym is None or not 1 <= ym[1] <= 12:
        return render(request, "billing/bad_request.html", {"message": "年月を数字で入力してください。"}, status=400)
    data = claims_svc.finance_csv(year=ym[0], month=ym[1], actor=request.user, request=request)
    response = HttpResponse(data, content_type="text/csv; charset=cp932")
    response["Content-Disposition"] = f'attachment; filename="vaccination_fees_{ym[0]}{ym[1]:02d}.csv"'
    return response
