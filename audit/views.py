from __future__ import annotations

import datetime

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.decorators import require_perm
from core.origin import Origin

from .exports import access_log_export
from .models import AuditRecord, Event
from .reports import monthly_review
from .seals import last_seal


class ExportForm(forms.Form):
    date_from = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    encoding = forms.ChoiceField(label="文字コード", choices=[("cp932", "Shift_JIS (CP932)"), ("utf-8", "UTF-8")])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError("終了日は開始日以降にしてください。")
        return data


@require_perm("audit.view_access_log")
def log(request: HttpRequest) -> HttpResponse:
    qs = AuditRecord.objects.order_by("-chain_seq")
    event = request.GET.get("event", "")
    if event in Event.values:
        qs = qs.filter(event=event)
    atena = request.GET.get("atena", "").strip()
    if atena:
        qs = qs.filter(subject_atena=atena)
    page = Paginator(
        qs.only(
            "timestamp",
            "username",
            "event",
            "action",
            "subject_atena",
            "purpose",
            "outcome",
            "remote_addr",
            "chain_seq",
        ),
        50,
    ).get_page(request.GET.get("page"))
    today = timezone.localdate()
    form = ExportForm(initial={"date_from": today - datetime.timedelta(days=30), "date_to": today, "encoding": "cp932"})
    return render(
        request, "audit/log.html", {"page": page, "events": Event.choices, "event": event, "atena": atena, "form": form}
    )


@require_perm("audit.export_access_log")
def export(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    form = ExportForm(request.POST)
    if not form.is_valid():
        return render(request, "audit/log.html", {"form": form, "page": None, "events": Event.choices}, status=400)
    d = form.cleaned_data
    data, _count = access_log_export(
        date_from=d["date_from"],
        date_to=d["date_to"],
        encoding=d["encoding"],
        actor=request.user,
        origin=Origin.of(request),
        channel="screen",
    )
    response = HttpResponse(
        data, content_type=f"text/csv; charset={'shift_jis' if d['encoding'] == 'cp932' else 'utf-8'}"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="access_log_{d["date_from"]:%Y%m%d}_{d["date_to"]:%Y%m%d}.csv"'
    )
    return response


@require_perm("audit.view_access_log")
def monthly(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise ValueError
    except ValueError:
        return render(request, "400.html", status=400)
    return render(request, "audit/monthly.html", {"review": monthly_review(year, month), "seal": last_seal()})
