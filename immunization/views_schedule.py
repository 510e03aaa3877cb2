"""Schedule screens: the rules table, the stand-alone calculator (phone inquiries) and the resident panel."""

from __future__ import annotations

import datetime
from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from core import wareki
from core.decorators import require_perm

from . import schedule
from .schedule.engine import CONDITION_LABELS, STATUS_LABELS
from .schedule.forms import CalculatorForm
from .schedule.selectors import general_intervals, schedule_table_rows

PERM = "immunization.view_schedule"

STATUS_BADGE = {
    schedule.COMPLETED: "ok",
    schedule.DUE: "warn",
    schedule.OVERDUE: "bad",
    schedule.UPCOMING: "",
    schedule.EXPIRED: "",
    schedule.NOT_APPLICABLE: "",
}


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


SOON = datetime.timedelta(days=365)


def grouped(forecasts: list[schedule.DoseForecast], on: datetime.date) -> dict[str, list[dict]]:
    """Forecasts grouped by vaccine (the order of the schedule table), split into the vaccines that
    matter now — a dose due, overdue or possible within a year — and the rest (done, over, not for this
    person, or years away), which the screens fold away."""
    current, other = [], []
    for code, items in groupby(forecasts, key=lambda f: f.vaccine_code):
        items = list(items)
        now = any(
            f.status in (schedule.DUE, schedule.OVERDUE)
            or (f.status == schedule.UPCOMING and f.earliest is not None and f.earliest <= on + SOON)
            for f in items
        )
        group = {
            "code": code,
            "name": items[0].vaccine_name,
            "vaccine_class": items[0].vaccine_class,
            "doses": [{"f": f, "badge": STATUS_BADGE[f.status]} for f in items],
        }
        (current if now else other).append(group)
    return {"current": current, "other": other}


@require_GET
@require_perm(PERM)
def schedule_table(request: HttpRequest) -> HttpResponse:
    """The rules as staff see them; `?on=` shows the rules in force on another day (e.g. 平成31年)."""
    on_text = request.GET.get("on", "").strip()
    error = ""
    on = _today()
    if on_text:
        try:
            on = wareki.parse_date(on_text)
        except ValueError as exc:
            error = str(exc)
    return render(
        request,
        "immunization/schedule/table.html",
        {
            "rows": schedule_table_rows(on),
            "general": general_intervals(on),
            "on": on,
            "on_text": on_text,
            "error": error,
        },
        status=400 if error else 200,
    )


@require_GET
@require_perm(PERM)
def schedule_calculator(request: HttpRequest) -> HttpResponse:
    """Birth date + history -> every dose's status. No resident is looked up, so nothing personal is stored."""
    try:
        rows = int(request.GET.get("rows", 0))
    except ValueError:
        rows = 0
    form = CalculatorForm(request.GET or None, rows=rows, today=_today())
    result = None
    if request.GET.get("birth_date") is not None and form.is_valid():
        data = form.cleaned_data
        result = grouped(
            schedule.forecast(
                birth_date=data["birth_date"],
                sex=data["sex"],
                history=data["history"],
                on=data["on"],
                conditions=frozenset(data["conditions"]),
            ),
            data["on"],
        )
    status = 400 if request.GET.get("birth_date") is not None and not form.is_valid() else 200
    return render(
        request,
        "immunization/schedule/calculator.html",
        {
            "form": form,
            "result": result,
            "more_rows": form.rows + 4,
            "status_labels": STATUS_LABELS,
            "condition_labels": CONDITION_LABELS,
        },
        status=status,
    )


def resident_forecast_panel(request: HttpRequest, resident) -> str:  # type: ignore[no-untyped-def]
    """Resident page section: the forecast from the verified history (records' past_doses)."""
    user = getattr(request, "user", None)
    if user is None or not user.has_perm(PERM):
        return ""
    history, source_ok = _past_doses(resident)
    on = _today()
    result = grouped(schedule.forecast(birth_date=resident.birth_date, sex=resident.sex, history=history, on=on), on)
    return render_to_string(
        "immunization/schedule/_resident_panel.html",
        {
            "resident": resident,
            "result": result,
            "on": on,
            "history_available": source_ok,
            "count": len(history),
            "disability_hint": _disability_hint(resident, on),
        },
        request=request,
    )


def _disability_hint(resident, on: datetime.date) -> str:  # type: ignore[no-untyped-def]
    """60–64-year-olds are eligible for B類 vaccines only with a 1級-equivalent cardiac, renal, respiratory or
    HIV disability. The register knows the certificate's grade, not the organ: say so rather than guess."""
    from core.legal_age import age_years
    from residents.selectors import status_as_of

    if not 60 <= age_years(resident.birth_date, on) <= 64:
        return ""
    status = status_as_of(resident, "disability", on)
    if status is None or not status.code.startswith("身体1級"):
        return ""
    return (
        f"障害者手帳({status.code})があります。心臓・腎臓・呼吸器の機能またはHIVによる免疫の機能の障害であれば、"
        "高齢者インフルエンザ・新型コロナ・肺炎球菌(HIVは帯状疱疹も)の定期接種の対象です。"
        "「接種時期の計算」で要件を指定して確認してください。"
    )


def _past_doses(resident) -> tuple[list[schedule.PastDose], bool]:  # type: ignore[no-untyped-def]
    """The resident's verified doses (immunization.selectors.past_doses); the flag says the history is known."""
    from immunization.selectors import past_doses

    return list(past_doses(resident)), True
