"""Thin views: parse, authorize (require_perm + the services' own refusals), call one service or selector."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.models import Event
from audit.services import Subject, access_record, access_record_bulk
from core.decorators import require_perm
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from residents.models import Resident

from . import doses, selectors, services
from .forms import (
    BatchForm,
    KeyForm,
    LotSearchForm,
    MoveInForm,
    RejectForm,
    ResolveForm,
    UploadForm,
    dose_code_choices,
)
from .keyed import KEYED_FIELDS, record_values
from .models import EntryBatch, Manufacturer, MoveInSurvey, PunchImport, PunchLine, VaccinationRecord, Voucher
from .vouchers import voucher_number_normalize, voucher_number_problem

KEY = "immunization.key_record"
VERIFY = "immunization.verify_record"
RECONCILE = "immunization.reconcile_punch"


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _record_invalid_input(
    request: HttpRequest, action: str, purpose: str, errors: dict[str, list[str]], **detail: object
) -> None:
    """Refused input is recorded like every refusal: which fields were wrong, never the values typed (the
    messages quote them, so they are not passed on)."""
    record_refusal(
        actor=request.user,
        action=action,
        outcome=Outcome.INVALID,
        origin=Origin.of(request),
        purpose=purpose,
        fields=sorted(errors),
        **detail,
    )


def _flat(exc: ValidationError) -> list[str]:
    return [m for msgs in _errors(exc).values() for m in msgs]


def _batch(pk: int) -> EntryBatch:
    return get_object_or_404(EntryBatch, pk=pk)


# --- keyed entry ---------------------------------------------------------------------------------


@require_perm(KEY)
def entry_batches(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch = services.entry_batch_create(actor=request.user, origin=Origin.of(request), **form.cleaned_data)
        return redirect("immunization:entry_batch", pk=batch.pk)
    surveys = MoveInSurvey.objects.filter(status__in=["planned", "sent", "returned"]).select_related("resident")[:50]
    return render(
        request,
        "immunization/entry_batches.html",
        {"form": form, "batches": selectors.entry_batches()[:50], "surveys": surveys},
        status=400 if request.method == "POST" else 200,
    )


@require_perm(KEY)
def entry_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    second = request.GET.get("pass") == "2" or request.POST.get("pass") == "2"
    form = KeyForm(request.POST or None)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST" and form.is_valid():
        origin = Origin.of(request)
        try:
            if second:
                record, mismatches = services.record_second_key(
                    batch=batch, actor=request.user, origin=origin, values=form.values()
                )
                if mismatches:
                    labels = "、".join(dict(KEYED_FIELDS)[m] for m in mismatches)
                    messages.warning(request, f"1回目の入力と一致しません({labels})。照合担当の確認に回りました。")
                else:
                    messages.success(request, "1回目の入力と一致しました。照合済みになりました。")
            else:
                extras = services.Extras(
                    high_risk=form.cleaned_data["high_risk"],
                    outside_city=form.cleaned_data["outside_city"],
                    administrative_measure=form.cleaned_data["administrative_measure"],
                    remarks=form.cleaned_data["remarks"],
                )
                record = services.record_key(
                    batch=batch, actor=request.user, origin=origin, values=form.values(), extras=extras
                )
                messages.success(request, f"登録しました(記録番号 {record.pk}、照合待ち)。")
            url = f"{request.path}?pass=2" if second else request.path
            return redirect(url)
        except ValidationError as exc:
            errors = _errors(exc)
            status = 400
            _record_invalid_input(
                request,
                "record_second_key" if second else "record_key",
                "接種記録の入力(入力エラーのため登録せず)",
                errors,
                batch=batch.pk,
            )
    records = batch.records.select_related("resident", "keyed_by", "voucher").order_by("-id")[:200]
    return render(
        request,
        "immunization/entry_batch.html",
        {
            "batch": batch,
            "form": form,
            "errors": errors,
            "second": second,
            "records": records,
            "dose_codes": dose_code_choices(),
        },
        status=status,
    )


@require_GET
@require_perm(KEY)
def voucher_check(request: HttpRequest) -> HttpResponse:
    """htmx: the check digit as typed, then whose voucher it is (what the paper voucher also shows)."""
    number = voucher_number_normalize(request.GET.get("voucher_no", ""))
    problem = voucher_number_problem(number) if number else ""
    voucher = None
    if number and not problem:
        voucher = Voucher.objects.select_related("resident").filter(number=number).first()
        if voucher is None:
            problem = "この接種券番号は発行されていません。"
    return render(
        request, "immunization/_voucher_check.html", {"problem": problem, "voucher": voucher, "number": number}
    )


# --- verification --------------------------------------------------------------------------------


@require_GET
@require_perm(VERIFY)
def verify_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.pending_for_verification(), 50).get_page(request.GET.get("page"))
    return render(request, "immunization/verify_list.html", {"page": page})


@require_perm(VERIFY)
def verify_record(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        VaccinationRecord.objects.select_related(
            "resident", "voucher", "institution", "doctor", "manufacturer", "keyed_by", "entry_batch"
        ),
        pk=pk,
    )
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        origin = Origin.of(request)
        try:
            if action == "reject":
                rf = RejectForm(request.POST)
                reason = rf.data.get("reason", "")
                services.record_reject(record=record, actor=request.user, origin=origin, reason=reason)
                messages.success(request, f"記録番号 {record.pk} を取消しました。")
            elif action == "verify":
                corrections = {
                    name: request.POST[name]
                    for name, _ in KEYED_FIELDS
                    if name in request.POST and request.POST[name] != record_values(record)[name]
                }
                services.record_verify(
                    record=record,
                    actor=request.user,
                    origin=origin,
                    corrections=corrections or None,
                    acknowledge_problems=request.POST.get("acknowledge_problems") == "1",
                )
                messages.success(request, f"記録番号 {record.pk} を照合済みにしました。")
            else:
                return HttpResponse("不正な操作です。", status=400)
            nxt = selectors.pending_for_verification().exclude(keyed_by=request.user).first()
            return redirect("immunization:verify_record", pk=nxt.pk) if nxt else redirect("immunization:verify_list")
        except ValidationError as exc:
            errors = _errors(exc)
            status = 400
            _record_invalid_input(
                request,
                "record_reject" if action == "reject" else "record_verify",
                "接種記録の照合(入力エラー)",
                errors,
                record=record.pk,
            )
    values = record_values(record)
    second = getattr(record, "second_keying", None) if hasattr(record, "second_keying") else None
    rows = [
        {
            "name": name,
            "label": label,
            "value": values[name],
            "second": (second.values.get(name, "") if second else None),
            "mismatch": bool(second and name in second.mismatches),
        }
        for name, label in KEYED_FIELDS
    ]
    return render(
        request,
        "immunization/verify_record.html",
        {
            "record": record,
            "rows": rows,
            "second": second,
            "errors": errors,
            "own": record.keyed_by_id == request.user.pk,
            "label": doses.label(record.dose_code),
        },
        status=status,
    )


# --- punch import and worklist ----------------------------------------------------------------------


@require_perm(RECONCILE)
def punch_imports(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "immunization/punch_imports.html",
                {"form": form, "imports": selectors.punch_imports()[:30]},
                status=400,
            )
        upload = form.cleaned_data["file"]
        imp = services.punch_import(
            data=upload.read(), file_name=upload.name, actor=request.user, origin=Origin.of(request)
        )
        return redirect("immunization:punch_import", pk=imp.pk)
    return render(request, "immunization/punch_imports.html", {"form": form, "imports": selectors.punch_imports()[:30]})


@require_GET
@require_perm(RECONCILE)
def punch_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = get_object_or_404(PunchImport, pk=pk)
    category = request.GET.get("category", "")
    if category and category not in PunchLine.Category.values:
        raise Http404("区分がありません。")
    open_only = request.GET.get("all") != "1"
    page = Paginator(selectors.worklist(imp, category=category, open_only=open_only), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "immunization/punch_import.html",
        {
            "imp": imp,
            "page": page,
            "category": category,
            "open_only": open_only,
            "categories": PunchLine.Category.choices,
            "form": ResolveForm(),
        },
        status=400 if imp.status == PunchImport.Status.REJECTED else 200,
    )


@require_POST
@require_perm(RECONCILE)
def punch_line_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(PunchLine, pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{line.line_no}行目: 処理と理由を入力してください。")
        return redirect("immunization:punch_import", pk=line.punch_import_id)
    corrections = {k: v for k in ("atena_no", "voucher_no", "vaccinated_on", "lot_no") if (v := form.cleaned_data[k])}
    try:
        done = services.punch_line_resolve(
            line=line,
            actor=request.user,
            origin=Origin.of(request),
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            corrections=corrections,
        )
        if done.resolution == PunchLine.Resolution.OPEN:
            messages.warning(
                request, f"{line.line_no}行目: 訂正後も「{done.get_category_display()}」です。{done.detail}"
            )
        else:
            messages.success(request, f"{line.line_no}行目を「{done.get_resolution_display()}」としました。")
    except ValidationError as exc:
        messages.error(request, f"{line.line_no}行目: " + " ".join(_flat(exc)))
    return redirect("immunization:punch_import", pk=line.punch_import_id)


# --- lot search (recalls) --------------------------------------------------------------------------


@require_GET
@require_perm("immunization.search_lot")
def lot_search(request: HttpRequest) -> HttpResponse:
    form = LotSearchForm(request.GET or None)
    page = None
    if request.GET and form.is_valid():
        maker_id = None
        if code := form.cleaned_data["manufacturer"]:
            maker_id = Manufacturer.objects.filter(code=code).values_list("id", flat=True).first() or -1
        qs = selectors.lot_search(lot_no=form.cleaned_data["lot_no"], manufacturer_id=maker_id)
        page = Paginator(qs, 100).get_page(request.GET.get("page"))
        origin = Origin.of(request)
        access_record(
            event=Event.SEARCH,
            actor=request.user,
            origin=origin,
            purpose=form.cleaned_data["purpose"],
            detail={
                "lot_no": form.cleaned_data["lot_no"],
                "manufacturer": form.cleaned_data["manufacturer"],
                "hits": page.paginator.count,
            },
        )
        # every person shown is a read of personal data
        access_record_bulk(
            event=Event.VIEW,
            actor=request.user,
            subjects=[Subject(r.resident.atena_no, r.resident) for r in page.object_list],
            purpose=f"ロット番号検索: {form.cleaned_data['purpose']}",
            origin=origin,
        )
    status = 400 if request.GET and not form.is_valid() else 200
    return render(request, "immunization/lot_search.html", {"form": form, "page": page}, status=status)


# --- move-in surveys ---------------------------------------------------------------------------------


@require_perm("immunization.list_movein")
def movein(request: HttpRequest) -> HttpResponse:
    today = datetime.date.today()  # noqa: DTZ011  (a default period only)
    initial = {"date_from": today.replace(day=1) - datetime.timedelta(days=31), "date_to": today}
    form = MoveInForm(request.GET or None, initial=initial)
    if request.method == "POST":
        resident = get_object_or_404(Resident, pk=request.POST.get("resident"))
        services.survey_register(resident=resident, actor=request.user, origin=Origin.of(request), sent_on=today)
        messages.success(request, f"{resident.name} さんの転入者調査を送付済みにしました。")
        return redirect(request.get_full_path())
    page = None
    surveys: dict[int, MoveInSurvey] = {}
    if request.GET and form.is_valid():
        qs = selectors.movein_candidates(**form.cleaned_data)
        page = Paginator(qs, 100).get_page(request.GET.get("page"))
        surveys = selectors.surveys_for(list(page.object_list))
        access_record(
            event=Event.SEARCH,
            actor=request.user,
            origin=Origin.of(request),
            purpose="転入者調査の対象者抽出",
            detail={k: str(v) for k, v in form.cleaned_data.items()} | {"hits": page.paginator.count},
        )
    rows = [(r, surveys.get(r.pk)) for r in page.object_list] if page else []
    return render(request, "immunization/movein.html", {"form": form, "page": page, "rows": rows})


@require_perm(KEY)
def survey_entry(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(MoveInSurvey.objects.select_related("resident"), pk=pk)
    errors: list[str] = []
    n_rows = 8
    if request.method == "POST":
        doses = []
        for i in range(n_rows):
            code = request.POST.get(f"dose_code_{i}", "").strip()
            if not code:
                continue
            doses.append(
                {
                    "dose_code": code,
                    "vaccinated_on": request.POST.get(f"vaccinated_on_{i}", ""),
                    "lot_no": request.POST.get(f"lot_no_{i}", ""),
                    "venue_name": request.POST.get(f"venue_name_{i}", ""),
                }
            )
        try:
            batch = services.survey_record_history(
                survey=survey,
                actor=request.user,
                origin=Origin.of(request),
                doses=doses,
                returned_on=datetime.date.today(),  # noqa: DTZ011
            )
            messages.success(request, f"{len(doses)} 件を入力しました(照合待ち)。")
            return redirect("immunization:entry_batch", pk=batch.pk)
        except ValidationError as exc:
            errors = _flat(exc)
            _record_invalid_input(
                request,
                "survey_record_history",
                "転入者調査票の入力(入力エラーのため登録せず)",
                _errors(exc),
                survey=survey.pk,
            )
    return render(
        request,
        "immunization/survey_entry.html",
        {
            "survey": survey,
            "rows": range(n_rows),
            "errors": errors,
            "dose_codes": dose_code_choices(),
            "post": request.POST,
        },
        status=400 if errors else 200,
    )


# --- vouchers at the counter ------------------------------------------------------------------------


@require_POST
@require_perm("immunization.issue_voucher")
def voucher_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    """窓口での再発行 (lost or damaged voucher): the old number becomes void, a new one is issued."""
    voucher = get_object_or_404(Voucher.objects.select_related("resident"), pk=pk)
    try:
        new = services.voucher_reissue(
            voucher=voucher, reason=request.POST.get("reason", ""), actor=request.user, origin=Origin.of(request)
        )
        messages.success(request, f"接種券を再発行しました(新しい番号 {new.number}、旧番号 {voucher.number} は無効)。")
    except ValidationError as exc:
        messages.error(request, " ".join(_flat(exc)))
    return redirect("residents:detail", pk=voucher.resident_id)
