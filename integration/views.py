"""Feed status, uploads and run reports; network inquiries; the supervisor's approval queue; and the
real-time endpoint of the linkage platform (authenticated per sending system, not by staff log-in)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Event
from audit.services import access_record
from core.adapters import jukinet_verifier
from core.decorators import require_perm
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from residents.access import resident_get_for_user

from . import intermediate, selectors
from .forms import InquiryForm, JukiVerifyForm, UploadForm
from .models import FeedRun, FeedSource, Inquiry, ProvisionRequest
from .services import feed_import, feed_receive_message, source_for_token, sources_ensure

MAX_UPLOAD = 200 * 1024 * 1024


def _labelled(rows):  # type: ignore[no-untyped-def]
    names = selectors.item_names()
    rows = list(rows)
    for row in rows:
        row.item_label = names.get(row.item_code, row.item_code)
    return rows


@require_GET
@require_perm("integration.view_feeds")
def status(request: HttpRequest) -> HttpResponse:
    sources_ensure()
    context = {
        "rows": selectors.source_overview(),
        "runs": FeedRun.objects.select_related("source", "actor")[:30],
        "form": UploadForm() if request.user.has_perm("integration.run_feeds") else None,
    }
    return render(request, "integration/status.html", context)


@require_POST
@require_perm("integration.run_feeds")
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "integration/status.html",
            {"rows": selectors.source_overview(), "runs": FeedRun.objects.all()[:30], "form": form},
            status=400,
        )
    f = form.cleaned_data["file"]
    run = feed_import(
        source_code=form.cleaned_data["source"].code,
        data=f.read(),
        filename=f.name,
        trigger=FeedRun.Trigger.UPLOAD,
        actor=request.user,
        origin=Origin.of(request),
        dry_run=form.cleaned_data["dry_run"],
    )
    if run.status == FeedRun.Status.FAILED:
        messages.error(
            request, f"{f.name} は取り込めませんでした。行番号付きの報告を確認してください(何も反映していません)。"
        )
    else:
        messages.success(
            request, f"{f.name}: 反映 {run.applied} 件、変更なし {run.unchanged} 件、報告 {run.stale} 件。"
        )
    return redirect("integration:run", pk=run.pk)


@require_GET
@require_perm("integration.view_feeds")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(FeedRun.objects.select_related("source", "actor"), pk=pk)
    return render(request, "integration/run.html", {"run": run})


@require_POST
@require_perm("integration.network_inquiry")
def inquiry_new(request: HttpRequest, resident_pk: int) -> HttpResponse:
    resident = resident_get_for_user(request.user, resident_pk)
    form = InquiryForm(request.POST, prefix="inquiry")
    if not form.is_valid():
        return HttpResponseBadRequest("照会項目と事務を選んでください。")
    try:
        inquiry = intermediate.inquiry_send(
            actor=request.user,
            origin=Origin.of(request),
            resident=resident,
            item_code=form.cleaned_data["item"],
            business=form.cleaned_data["business"],
            purpose=form.cleaned_data["purpose"],
        )
    except intermediate.InquiryRefused as exc:
        messages.error(request, str(exc))
        return redirect("residents:detail", pk=resident.pk)
    return redirect("integration:inquiry", pk=inquiry.pk)


@require_GET
@require_perm("integration.network_inquiry")
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = get_object_or_404(Inquiry.objects.select_related("resident", "requested_by"), pk=pk)
    resident_get_for_user(request.user, inquiry.resident_id)
    access_record(
        event=Event.VIEW,
        actor=request.user,
        origin=Origin.of(request),
        subject=intermediate._subject(inquiry.resident),
        purpose="情報照会の回答の閲覧",
        detail={"inquiry_id": inquiry.pk},
    )
    return render(
        request,
        "integration/inquiry.html",
        {"inquiry": inquiry, "item_name": intermediate.item_name(inquiry.item_code)},
    )


@require_GET
@require_perm("integration.network_inquiry")
def inquiry_list(request: HttpRequest) -> HttpResponse:
    rows = _labelled(Inquiry.objects.select_related("resident", "requested_by")[:100])
    return render(request, "integration/inquiries.html", {"rows": rows})


@require_GET
@require_perm("integration.approve_answer")
def approvals(request: HttpRequest) -> HttpResponse:
    pending = _labelled(
        ProvisionRequest.objects.filter(status=ProvisionRequest.Status.PENDING).select_related("resident")
    )
    done = _labelled(
        ProvisionRequest.objects.exclude(status=ProvisionRequest.Status.PENDING).select_related(
            "resident", "decided_by"
        )[:30]
    )
    return render(request, "integration/approvals.html", {"pending": pending, "done": done})


@require_POST
@require_perm("integration.approve_answer")
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    provision = get_object_or_404(ProvisionRequest, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        return HttpResponseBadRequest("承認または不承認を選んでください。")
    try:
        intermediate.provision_decide(
            actor=request.user,
            origin=Origin.of(request),
            provision=provision,
            approve=decision == "approve",
            note=request.POST.get("note", ""),
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "回答を送信しました。" if decision == "approve" else "不承認として回答しました。")
    return redirect("integration:approvals")


@sensitive_post_parameters("mynumber")
@require_http_methods(["GET", "POST"])
@require_perm("residents.use_mynumber")
def juki_verify(request: HttpRequest) -> HttpResponse:
    """住基ネット 本人確認 at the counter when no card is shown; the number is never shown back."""
    form = JukiVerifyForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = jukinet_verifier()(
            mynumber=data["mynumber"],
            name=data["name"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            address=data["address"],
            requested_by=request.user,
        )
        result["rows"] = [(label, result["fields"].get(key, "")) for key, label in JUKI_LABELS]
        form = JukiVerifyForm(
            initial={k: v for k, v in request.POST.items() if k in ("name", "sex", "birth_date", "address")}
        )
    status = 400 if request.method == "POST" and result is None else 200
    return render(request, "integration/juki_verify.html", {"form": form, "result": result}, status=status)


JUKI_LABELS = [("name", "氏名"), ("sex", "性別"), ("birth_date", "生年月日"), ("address", "住所")]


@csrf_exempt
@require_POST
def api_events(request: HttpRequest, code: str) -> JsonResponse:
    """The linkage platform's real-time delivery: Authorization: Bearer <the sending system's token>."""
    if not FeedSource.objects.filter(code=code, realtime=True).exists():
        raise Http404("連携元がありません。")
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    source = source_for_token(code, token)
    if source is None:
        record_refusal(
            actor=None,
            action="realtime_feed",
            outcome=Outcome.DENIED,
            origin=Origin.of(request),
            purpose="リアルタイム連携",
            source=code,
            reason="invalid token",
        )
        return JsonResponse({"error": "連携元の認証に失敗しました。"}, status=401)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        payload = None
    run = feed_receive_message(source=source, payload=payload, origin=Origin.of(request))
    body = {
        "run_id": run.pk,
        "status": run.status,
        "applied": run.applied,
        "unchanged": run.unchanged,
        "stale": run.stale,
        "notes": run.notes,
        "errors": run.errors,
    }
    return JsonResponse(body, status=400 if run.status == FeedRun.Status.FAILED else 200)


def resident_panel(request: HttpRequest, resident) -> str:  # type: ignore[no-untyped-def]
    """情報照会 on the resident page, for staff with the right."""
    from django.template.loader import render_to_string

    user = getattr(request, "user", None)
    if user is None or not user.has_perm("integration.network_inquiry"):
        return ""
    recent = _labelled(Inquiry.objects.filter(resident=resident).select_related("requested_by")[:5])
    return render_to_string(
        "integration/_resident_panel.html",
        {
            "resident": resident,
            "form": InquiryForm(prefix="inquiry"),
            "recent": recent,
            "linked": hasattr(resident, "number_link"),
        },
        request=request,
    )


def home_widget(request: HttpRequest) -> str:
    """A source more than a day stale is flagged on every staff member's home page (PIA III-7 R2)."""
    from django.template.loader import render_to_string

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    stale = selectors.stale_sources()
    if not stale:
        return ""
    return render_to_string(
        "integration/_home_stale.html",
        {"stale": stale, "can_view": user.has_perm("integration.view_feeds")},
        request=request,
    )
