"""Claim screens: fee schedules (料金表), the month's clinic claims, their approval and payment, and the
statement PDF and finance CSV."""

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
from audit.services import Subject, access_record_bulk
from core.decorators import require_perm
from core.origin import Origin
from core.wareki import parse_date
from immunization.models import Institution

from .. import purposes, selectors, services
from ..models import Claim
from . import errors_text


def _origin(request: HttpRequest) -> Origin:
    return Origin.of(request, purpose=purposes.CLAIMS)


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
            "month_label": services.month_label(year, month),
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
        summary = services.claims_prepare(year=year, month=month, actor=request.user, origin=_origin(request))
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    else:
        messages.success(
            request,
            f"{services.month_label(year, month)}の請求を作成しました"
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
        purpose=purposes.CLAIMS,
        detail={"claim": claim.pk},
        origin=_origin(request),
    )
    return render(
        request,
        "billing/claim_detail.html",
        {
            "claim": claim,
            "month_label": services.month_label(claim.year, claim.month),
            "rows": selectors.claim_statement_rows(claim),
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
    institution = get_object_or_404(Institution, pk=institution_id)
    claims = Claim.objects.filter(institution=institution).order_by("-year", "-month")
    return render(request, "billing/claim_history.html", {"institution": institution, "claims": claims})


def _claim_step(request: HttpRequest, pk: int, act: Callable[[Claim], Any], done: str) -> HttpResponse:
    """Approve, unapprove or mark paid: the service refuses with a message; either way back to the claim."""
    try:
        act(_claim_for(pk))
    except ValidationError as exc:
        messages.error(request, errors_text(exc))
    else:
        messages.success(request, done)
    return redirect("billing:claim_detail", pk=pk)


@require_POST
@require_perm("billing.run_claims")
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request,
        pk,
        lambda claim: services.claim_approve(claim=claim, actor=request.user, origin=_origin(request)),
        "請求を承認しました。",
    )


@require_POST
@require_perm("billing.run_claims")
def claim_unapprove(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_step(
        request,
        pk,
        lambda claim: services.claim_unapprove(claim=claim, actor=request.user, origin=_origin(request)),
        "承認を取り消しました。",
    )


@require_POST
@require_perm("billing.run_claims")
def claim_paid(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        paid_on = parse_date(request.POST.get("paid_on", ""))
    except ValueError as exc:
        messages.error(request, f"支払日: {exc}")
        return redirect("billing:claim_detail", pk=pk)
    return _claim_step(
        request,
        pk,
        lambda claim: services.claim_mark_paid(
            claim=claim, paid_on=paid_on, actor=request.user, origin=_origin(request)
        ),
        "支払日を登録しました。この請求は以後変更できません。",
    )


@require_GET
@require_perm("billing.export_claims")
def claim_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_for(pk)
    pdf = services.claim_statement_pdf(claim=claim, actor=request.user, origin=_origin(request))
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
    data = services.finance_csv(year=ym[0], month=ym[1], actor=request.user, origin=_origin(request))
    response = HttpResponse(data, content_type="text/csv; charset=cp932")
    response["Content-Disposition"] = f'attachment; filename="vaccination_fees_{ym[0]}{ym[1]:02d}.csv"'
    return response
