"""Screens for disclosure, correction and suspension requests (PIA V) and the holdings report."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record
from core.decorators import require_perm
from core.origin import Origin

from . import disclosure
from .forms import DisclosureReceiveForm, DisclosureUpdateForm
from .models import DisclosureRequest, Resident

PERM = "residents.handle_disclosure"


@require_perm(PERM)
def request_list(request: HttpRequest) -> HttpResponse:
    form = DisclosureReceiveForm(request.POST or None, initial={"received_on": timezone.localdate().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        resident = Resident.objects.get(atena_no=data.pop("atena_no"))
        created = disclosure.request_receive(
            actor=request.user, origin=Origin.of(request), resident=resident, data=data
        )
        return redirect("residents:disclosure_detail", pk=created.pk)
    today = timezone.localdate()
    rows = [(r, r.is_overdue(today)) for r in disclosure.open_requests_first()[:200]]
    access_record(
        event=Event.VIEW,
        actor=request.user,
        origin=Origin.of(request),
        purpose=disclosure.PURPOSE,
        detail={"list": "disclosure", "rows": len(rows)},
    )
    return render(request, "residents/disclosure_list.html", {"form": form, "rows": rows, "today": today})


@require_perm(PERM)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(DisclosureRequest.objects.select_related("resident", "received_by"), pk=pk)
    initial = {
        "state": item.state,
        "decision": item.decision,
        "decided_on": item.decided_on.isoformat() if item.decided_on else "",
        "extended_to": item.extended_to.isoformat() if item.extended_to else "",
        "note": item.note,
    }
    form = DisclosureUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: value if value is not None else (None if name.endswith(("_on", "_to")) else "")
            for name, value in form.cleaned_data.items()
        }
        disclosure.request_update(actor=request.user, origin=Origin.of(request), item=item, changes=changes)
        return redirect("residents:disclosure_detail", pk=item.pk)
    access_record(
        event=Event.VIEW,
        actor=request.user,
        origin=Origin.of(request),
        subject=Subject(obj=item, atena_no=item.resident.atena_no),
        purpose=disclosure.PURPOSE,
    )
    today = timezone.localdate()
    return render(
        request,
        "residents/disclosure_detail.html",
        {"item": item, "form": form, "overdue": item.is_overdue(today)},
    )


@require_perm(PERM)
def holdings_report(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(DisclosureRequest.objects.select_related("resident"), pk=pk)
    sections = disclosure.holdings_for_request(actor=request.user, origin=Origin.of(request), disclosure=item)
    return render(
        request,
        "residents/holdings.html",
        {"item": item, "resident": item.resident, "holdings": sections, "printed_at": timezone.localtime()},
    )
