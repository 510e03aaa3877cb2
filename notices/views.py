"""Thin views: parse, authorize (same permission strings as the menu), call one service or selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.decorators import require_perm
from core.origin import Origin
from core.refusals import Outcome, record_refusal
from core.storage import ChecksumMismatch
from immunization.models import Voucher
from residents.access import resident_get_for_user

from . import pipeline, rules, selectors, services
from .access import batch_get_for_user, printfile_get_for_user, target_get_for_user
from .forms import BatchForm
from .models import Cohort, NoticeBatch, NoticeTarget
from .services.files import file_name

VIEW = "notices.view_noticebatch"
MANAGE = "notices.manage_batch"
DOWNLOAD = "notices.download_printfile"


def _pdf(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return resp


def _tampered(exc: ChecksumMismatch) -> HttpResponse:
    """The file no longer matches its checksum: never served (the refusal is already recorded)."""
    return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")


@require_GET
@require_perm(VIEW)
def batch_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(NoticeBatch.objects.all(), 30).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page})


@require_perm(MANAGE)
def batch_new(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.POST or None, initial={"cohort": Cohort.OVERDUE, "kind": "reminder"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        doses = rules.dose_codes_for(d["vaccine_code"], d["dose"]) if d["vaccine_code"] else []
        spec = services.BatchSpec(
            kind=d["kind"],
            vaccine_code=d["vaccine_code"] or "",
            dose_codes=doses,
            on=d["on"],
            cohort=d["cohort"],
            age_from=d["age_from"],
            age_to=d["age_to"],
            movein_from=d["movein_from"],
            window_end=d["window_end"],
            exclude_vaccinated=d["exclude_vaccinated"],
            notified_within_days=d["notified_within_days"],
            mynaportal=d["mynaportal"],
        )
        origin = Origin.of(request)
        try:
            batch = pipeline.batch_create(actor=request.user, origin=origin, spec=spec)
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
            record_refusal(
                actor=request.user, action="batch_create", outcome=Outcome.INVALID, origin=origin,
                purpose=services.PURPOSE, errors=exc,
            )  # fmt: skip
        else:
            return redirect("notices:detail", batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "notices/new.html", {"form": form}, status=status)


def _detail_context(batch: NoticeBatch) -> dict[str, Any]:
    return {
        "batch": batch,
        "progress": selectors.batch_progress(batch),
        "exclusions": selectors.exclusion_rows(batch),
        "mynaportal": selectors.mynaportal_counts(batch) if batch.mynaportal else None,
        "files": batch.files.order_by("chunk__no"),
        "labels": [rules.dose_label(c) for c in batch.dose_codes],
    }


@require_GET
@require_perm(VIEW)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get_for_user(request.user, pk)
    return render(request, "notices/detail.html", _detail_context(batch))


@require_GET
@require_perm(VIEW)
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx poll: the progress card only; polling stops by itself when the batch is no longer active."""
    batch = batch_get_for_user(request.user, pk)
    return render(request, "notices/_progress.html", _detail_context(batch))


@require_POST
@require_perm(MANAGE)
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get_for_user(request.user, pk, perm=MANAGE)
    try:
        pipeline.batch_confirm(batch=batch, actor=request.user, origin=Origin.of(request))
        messages.success(request, "対象者を確定し、作成を開始しました。")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("notices:detail", batch.pk)


@require_POST
@require_perm(MANAGE)
def batch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get_for_user(request.user, pk, perm=MANAGE)
    try:
        services.batch_cancel(batch=batch, actor=request.user, origin=Origin.of(request))
        messages.success(request, "バッチを取り消しました。作成済みの印刷ファイルは残ります。")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("notices:detail", batch.pk)


@require_POST
@require_perm(MANAGE)
def batch_resume(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get_for_user(request.user, pk, perm=MANAGE)
    n = pipeline.batch_resume(batch=batch, actor=request.user, origin=Origin.of(request))
    messages.success(request, f"未完了の {n} 件を再実行します。")
    return redirect("notices:detail", batch.pk)


@require_GET
@require_perm(MANAGE)
def batch_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get_for_user(request.user, pk, perm=MANAGE)
    try:
        data = services.preview_read(actor=request.user, origin=Origin.of(request), batch=batch)
    except FileNotFoundError as exc:
        raise Http404("見本はまだ作成されていません。") from exc
    except ChecksumMismatch as exc:
        return _tampered(exc)
    return _pdf(data, f"{batch.batch_ref}-preview.pdf")


@require_GET
@require_perm(DOWNLOAD)
def printfile_download(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    pf = printfile_get_for_user(request.user, pk, file_pk)
    try:
        data = services.printfile_read(actor=request.user, origin=Origin.of(request), file=pf)
    except ChecksumMismatch as exc:
        return _tampered(exc)
    return _pdf(data, file_name(pf.path), inline=False)


@require_GET
@require_perm(DOWNLOAD)
def manifest_download(request: HttpRequest, pk: int) -> HttpResponse:
    batch = batch_get_for_user(request.user, pk, perm=DOWNLOAD)
    if not batch.manifest_path:
        raise Http404("マニフェストはまだありません。")
    try:
        data = services.manifest_read(actor=request.user, origin=Origin.of(request), batch=batch)
    except ChecksumMismatch as exc:
        return _tampered(exc)
    resp = HttpResponse(data, content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{file_name(batch.manifest_path)}"'
    return resp


@require_GET
@require_perm(VIEW)
def target_pages(request: HttpRequest, target_pk: int) -> HttpResponse:
    """The exact pages one person was sent (linked from the resident page)."""
    target: NoticeTarget = target_get_for_user(request.user, target_pk)
    try:
        data = services.target_pages_read(actor=request.user, origin=Origin.of(request), target=target)
    except ChecksumMismatch as exc:
        return _tampered(exc)
    return _pdf(data, f"{target.batch.batch_ref}-{target.seq}.pdf")


@require_POST
@require_perm(MANAGE)
def voucher_reissue(request: HttpRequest, voucher_pk: int) -> HttpResponse:
    """再発行 at the counter: void the voucher, issue the successor and return its sheet to print."""
    try:
        voucher = Voucher.objects.select_related("resident").get(pk=int(voucher_pk))
    except (Voucher.DoesNotExist, ValueError) as exc:
        raise Http404("該当する接種券がありません。") from exc
    resident_get_for_user(request.user, voucher.resident_id)
    reason = (request.POST.get("reason") or "").strip()
    origin = Origin.of(request)
    try:
        pdf = services.voucher_reissue_print(actor=request.user, origin=origin, voucher=voucher, reason=reason)
    except ValidationError as exc:
        record_refusal(
            actor=request.user, action="voucher_reissue", outcome=Outcome.INVALID, origin=origin,
            subject_atena=voucher.resident.atena_no, obj=voucher, purpose=services.PURPOSE, errors=exc,
            voucher=voucher.number,
        )  # fmt: skip
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    return _pdf(pdf, f"voucher-{voucher.resident.atena_no}.pdf")
