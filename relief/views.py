"""Thin views: parse, authorize (access.py), call one service, render. Errors re-render with 400."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.models import Event
from audit.services import Subject, access_record
from core.decorators import require_perm
from core.origin import Origin
from core.storage import ChecksumMismatch
from residents.models import Resident

from . import selectors, services
from .access import ACCESS, claim_get_for_user, document_get_for_user, is_supervisor, letter_get_for_user
from .forms import (
    AccountForm,
    AssignForm,
    ClaimIntakeForm,
    DocumentForm,
    ExportForm,
    MarkPaidForm,
    PaymentDecideForm,
    RateForm,
    TransitionForm,
)
from .models import BenefitRate, Claim, PayeeAccount, Payment, PaymentExport, State
from .rules import PAY_KIND, PayKind
from .vaccines import vaccine_name

PAGE_SIZE = 30


def _errors_of(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


def _add_errors(form: Any, errors: dict[str, list[str]]) -> None:
    for name, msgs in errors.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


@require_GET
@require_perm(ACCESS)
def claim_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    q = request.GET.get("q", "").strip()[:50]
    late = request.GET.get("late") == "1"
    unassigned = request.GET.get("unassigned") == "1"
    paginator = Paginator(
        selectors.claim_list(request.user, state=state, q=q, past_deadline=late, unassigned=unassigned), PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    access_record(
        event=Event.SEARCH,
        actor=request.user,
        origin=Origin.of(request),
        purpose=services.PURPOSE,
        detail={
            "list": "relief_claims",
            "criteria": {"state": state, "q": q, "late": late, "unassigned": unassigned},
            "result_count": paginator.count,
        },
    )
    return render(
        request,
        "relief/list.html",
        {
            "page": page,
            "states": State.choices,
            "state": state,
            "q": q,
            "late": late,
            "unassigned": unassigned,
            "supervisor": is_supervisor(request.user),
        },
    )


def _chosen_records(request: HttpRequest, resident: Resident | None) -> tuple[list[Any], bool]:
    from immunization.models import VaccinationRecord

    ids = [int(i) for i in request.POST.getlist("records") if i.isdigit()]
    if not ids or resident is None:
        return [], False
    found = list(
        VaccinationRecord.objects.select_related("institution").filter(
            pk__in=ids, resident=resident, status=VaccinationRecord.Status.VERIFIED
        )
    )
    return found, len(found) != len(set(ids))


@require_GET
@require_perm(ACCESS)
def intake_records(request: HttpRequest) -> HttpResponse:
    """htmx: the person's verified vaccination records to choose from while receiving a claim."""
    from immunization.models import VaccinationRecord

    resident = _resident_by_atena(request.GET.get("atena_no", ""))
    records = []
    if resident is not None:
        records = list(
            VaccinationRecord.objects.select_related("institution")
            .filter(resident=resident, status=VaccinationRecord.Status.VERIFIED, vaccinated_on__isnull=False)
            .order_by("-vaccinated_on")[:100]
        )
        access_record(
            event=Event.VIEW,
            actor=request.user,
            origin=Origin.of(request),
            purpose=services.PURPOSE,
            subject=Subject(atena_no=resident.atena_no, obj=resident),
            detail={"list": "vaccination_records_for_relief_intake", "result_count": len(records)},
        )
    chosen = {int(i) for i in request.GET.getlist("records") if i.isdigit()}
    return render(
        request,
        "relief/_intake_records.html",
        {
            "resident": resident,
            "records": records,
            "chosen": chosen,
            "searched": bool(request.GET.get("atena_no", "").strip()),
        },
    )


def _resident_by_atena(atena_no: str) -> Resident | None:
    atena_no = (atena_no or "").strip()
    return Resident.objects.filter(atena_no=atena_no).first() if atena_no.isdigit() else None


@require_perm(ACCESS)
def claim_create(request: HttpRequest) -> HttpResponse:
    form = ClaimIntakeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            cd = form.cleaned_data
            resident = _resident_by_atena(cd["atena_no"])
            claimant = _resident_by_atena(cd["claimant_atena_no"]) if cd["claimant_atena_no"] else None
            if resident is None:
                form.add_error("atena_no", "この宛番号の住民は登録されていません。")
            if cd["claimant_atena_no"] and claimant is None:
                form.add_error("claimant_atena_no", "この宛番号の住民は登録されていません。")
            records, bad_records = _chosen_records(request, resident)
            if bad_records:
                form.add_error(None, "選んだ接種記録は、この被接種者の照合済の記録ではありません。")
            if resident is not None and form.is_valid():
                fields = {k: v for k, v in cd.items() if k not in ("atena_no", "claimant_atena_no")}
                intake = services.ClaimIntake(resident=resident, claimant_resident=claimant, records=records, **fields)
                try:
                    claim = services.claim_create(actor=request.user, origin=Origin.of(request), data=intake)
                except ValidationError as exc:
                    _add_errors(form, _errors_of(exc))
                else:
                    messages.success(request, f"受付番号 {claim.claim_no} で受け付けました。")
                    return redirect("relief:detail", pk=claim.pk)
        return render(request, "relief/create.html", {"form": form}, status=400)
    return render(request, "relief/create.html", {"form": form})


def _detail(request: HttpRequest, claim: Claim, *, status: int = 200, **forms: Any) -> HttpResponse:
    supervisor = is_supervisor(request.user)
    account = PayeeAccount.objects.filter(claim=claim).first()
    context = {
        "claim": claim,
        "vaccine": vaccine_name(claim.vaccine_code),
        "records": claim.records.select_related("institution").order_by("vaccinated_on"),
        "events": claim.events.select_related("actor"),
        "documents": claim.documents.all(),
        "letters": claim.letters.all(),
        "payments": claim.payments.all(),
        "account": account,
        "next_states": [(s, State(s).label) for s in services.next_states(claim) if s not in services.SPECIAL_STEPS],
        "can_decide": claim.state == State.NOTIFIED and claim.result == "certified",
        "pay_kind": PAY_KIND[claim.benefit],
        "PayKind": PayKind,
        "grades": services.PENSION_GRADES.get(claim.benefit, ()),
        "supervisor": supervisor,
        "assigned": selectors.assigned_workers(claim),
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "decide_form": forms.get("decide_form") or PaymentDecideForm(),
        "account_form": forms.get("account_form") or AccountForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "paid_form": forms.get("paid_form") or MarkPaidForm(),
        "assign_form": forms.get("assign_form")
        or (AssignForm(workers=selectors.relief_workers()) if supervisor else None),
        "errors": forms.get("errors") or {},
    }
    return render(request, "relief/detail.html", context, status=status)


@require_GET
@require_perm(ACCESS)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    services.claim_view_record(actor=request.user, origin=Origin.of(request), claim=claim)
    return _detail(request, claim)


def _claim_form_action(
    request: HttpRequest,
    claim: Claim,
    form: Any,
    form_name: str,
    act: Callable[[dict[str, Any]], Any],
    done: str | Callable[[Any], str],
) -> HttpResponse:
    """The shape every form on the claim page shares: a valid form goes to the service; a refusal from the
    service lands on the form's fields; success redirects with a message; otherwise the page is shown again
    with the form and its errors (400)."""
    if form.is_valid():
        try:
            result = act(form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, _errors_of(exc))
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect("relief:detail", pk=claim.pk)
    return _detail(request, claim, status=400, **{form_name: form})


@require_POST
@require_perm(ACCESS)
def claim_transition(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    return _claim_form_action(
        request,
        claim,
        TransitionForm(request.POST),
        "transition_form",
        lambda cd: services.claim_transition(
            actor=request.user,
            origin=Origin.of(request),
            claim=claim,
            to_state=cd["to_state"],
            on_date=cd["on_date"],
            note=cd["note"],
            result=cd["result"],
            grade=cd["grade"],
        ),
        lambda moved: f"「{moved.get_state_display()}」にしました。",
    )


@require_POST
@require_perm(ACCESS)
def payment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    return _claim_form_action(
        request,
        claim,
        PaymentDecideForm(request.POST),
        "decide_form",
        lambda cd: services.payment_decide(
            actor=request.user,
            origin=Origin.of(request),
            claim=claim,
            decided_on=cd["decided_on"],
            amount=cd["amount"],
            months=cd["months"],
            allowance_grade=cd["allowance_grade"],
            note=cd["note"],
        ),
        "支給を決定し、支給決定通知書を作成しました。",
    )


@require_POST
@require_perm(ACCESS)
def account_fetch(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    if claim.claimant_resident is None:
        messages.error(
            request,
            "請求者が住民として登録されていないため、公金受取口座は照会できません。申出口座を登録してください。",
        )
        return redirect("relief:detail", pk=claim.pk)
    account = services.account_fetch_public_funds(actor=request.user, origin=Origin.of(request), claim=claim)
    if account is None:
        messages.error(
            request,
            "公金受取口座を取得できませんでした(未登録、または照会に応答がありません)。請求者の申出口座を登録してください。",
        )
    else:
        messages.success(request, "公金受取口座を取得しました(個人番号の利用を記録しました)。")
    return redirect("relief:detail", pk=claim.pk)


@require_POST
@require_perm(ACCESS)
def account_declare(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    return _claim_form_action(
        request,
        claim,
        AccountForm(request.POST),
        "account_form",
        lambda cd: services.account_declare(actor=request.user, origin=Origin.of(request), claim=claim, values=cd),
        "申出口座を登録しました。",
    )


@require_POST
@require_perm(ACCESS)
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    return _claim_form_action(
        request,
        claim,
        DocumentForm(request.POST, request.FILES),
        "document_form",
        lambda cd: services.document_add(
            actor=request.user, origin=Origin.of(request), claim=claim, kind=cd["kind"], upload=cd["file"]
        ),
        "書類を添付しました。",
    )


def _file_response(data: bytes, content_type: str, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["Content-Security-Policy"] = "sandbox"
    return response


@require_GET
@require_perm(ACCESS)
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    document = document_get_for_user(request.user, pk, doc_pk)
    try:
        data = services.document_open(actor=request.user, origin=Origin.of(request), document=document)
    except FileNotFoundError as exc:
        raise Http404("書類のファイルが見つかりません。") from exc
    except ChecksumMismatch as exc:  # recorded by the storage; never served
        return _detail(request, document.claim, status=409, errors={"file": [exc.message]})
    return _file_response(data, document.content_type, document.original_name)


@require_GET
@require_perm(ACCESS)
def letter_download(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    letter = letter_get_for_user(request.user, pk, letter_pk)
    try:
        data = services.letter_open(actor=request.user, origin=Origin.of(request), letter=letter)
    except FileNotFoundError as exc:
        raise Http404("通知書のファイルが見つかりません。") from exc
    except ChecksumMismatch as exc:  # recorded by the storage; never served
        return _detail(request, letter.claim, status=409, errors={"file": [exc.message]})
    return _file_response(data, "application/pdf", f"{letter.claim.claim_no}_{letter.get_kind_display()}.pdf")


@require_POST
@require_perm(ACCESS)
def payment_paid(request: HttpRequest, pk: int, seq: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    payment = get_object_or_404(claim.payments, seq=seq)
    return _claim_form_action(
        request,
        claim,
        MarkPaidForm(request.POST),
        "paid_form",
        lambda cd: services.payment_mark_paid(
            actor=request.user, origin=Origin.of(request), payment=payment, paid_on=cd["paid_on"]
        ),
        f"第{payment.seq}回の支払を支払済にしました。",
    )


@require_POST
@require_perm(ACCESS)
def pension_extend(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    try:
        n = services.pension_schedule_extend(actor=request.user, origin=Origin.of(request), claim=claim)
    except ValidationError as exc:
        return _detail(request, claim, status=400, errors=_errors_of(exc))
    messages.success(request, f"次年度の支払予定を {n} 回分作成しました。")
    return redirect("relief:detail", pk=claim.pk)


@require_POST
@require_perm("relief.supervise_claims")
def claim_assign(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_get_for_user(request.user, pk)
    form = AssignForm(request.POST, workers=selectors.relief_workers())
    if form.is_valid():
        worker = form.cleaned_data["worker"]
        if request.POST.get("action") == "unassign":
            services.claim_unassign(actor=request.user, origin=Origin.of(request), claim=claim, worker=worker)
            messages.success(request, f"{worker} の担当を解除しました。")
        else:
            try:
                services.claim_assign(actor=request.user, origin=Origin.of(request), claim=claim, worker=worker)
            except ValidationError as exc:
                _add_errors(form, _errors_of(exc))
                return _detail(request, claim, status=400, assign_form=form)
            messages.success(request, f"{worker} を担当に割り当てました。")
        return redirect("relief:detail", pk=claim.pk)
    return _detail(request, claim, status=400, assign_form=form)


@require_perm("relief.export_payments")
def exports(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            export = services.payments_export(
                actor=request.user, origin=Origin.of(request), due_until=form.cleaned_data["due_until"]
            )
            if export is None:
                messages.info(request, "出力する支払予定はありませんでした。")
            else:
                messages.success(request, f"支払データ {export.batch_no}({export.rows} 件)を作成しました。")
            return redirect("relief:exports")
        return _exports_page(request, form, status=400)
    return _exports_page(request, form)


def _exports_page(
    request: HttpRequest, form: ExportForm, *, status: int = 200, errors: list[str] | None = None
) -> HttpResponse:
    scheduled = Payment.objects.filter(status=Payment.Status.SCHEDULED)
    return render(
        request,
        "relief/exports.html",
        {
            "form": form,
            "exports": PaymentExport.objects.all()[:50],
            "scheduled_count": scheduled.count(),
            "no_account_count": scheduled.filter(claim__account__isnull=True).count(),
            "errors": errors or [],
        },
        status=status,
    )


@require_GET
@require_perm("relief.export_payments")
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(PaymentExport, pk=pk)
    try:
        data = services.export_open(actor=request.user, origin=Origin.of(request), export=export)
    except FileNotFoundError as exc:
        raise Http404("支払データのファイルが見つかりません。") from exc
    except ChecksumMismatch as exc:  # recorded by the storage; never served
        return _exports_page(request, ExportForm(), status=409, errors=[exc.message])
    return _file_response(data, "text/csv; charset=Shift_JIS", f"relief_payments_{export.batch_no}.csv", inline=False)


@require_perm("relief.manage_rates")
def rates(request: HttpRequest) -> HttpResponse:
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_set(actor=request.user, origin=Origin.of(request), **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, _errors_of(exc))
        else:
            messages.success(request, "給付額を登録しました。")
            return redirect("relief:rates")
    status = 400 if request.method == "POST" else 200
    return render(request, "relief/rates.html", {"form": form, "rates": BenefitRate.objects.all()}, status=status)
