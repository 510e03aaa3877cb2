"""The vaccination-history section of the resident page (registered in AppConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from . import doses, selectors
from .models import Voucher


def history_panel(request: Any, resident: Any) -> str:
    if not request.user.has_perm("immunization.view_history"):
        return ""
    records = [{"obj": r, "label": doses.label(r.dose_code)} for r in selectors.resident_history(resident)]
    vouchers = Voucher.objects.filter(resident=resident).order_by("-issued_on", "-id")[:30]
    return render_to_string(
        "immunization/_history_panel.html",
        {
            "records": records,
            "vouchers": vouchers,
            "can_reissue": request.user.has_perm("immunization.issue_voucher"),
        },
        request=request,
    )


def work_widget(request: Any) -> str:
    """Staff home: what waits for this user (pending verification, open reconciliation exceptions)."""
    from .models import PunchImport, VaccinationRecord

    user = request.user
    items = []
    if user.has_perm("immunization.verify_record"):
        n = VaccinationRecord.objects.filter(status="pending", punch_line__isnull=True).exclude(keyed_by=user).count()
        items.append(("照合待ちの入力", n, "immunization:verify_list"))
    if user.has_perm("immunization.reconcile_punch"):
        n = PunchImport.objects.filter(status=PunchImport.Status.RECONCILED).count()
        items.append(("例外処理中のパンチデータ取込", n, "immunization:punch_imports"))
    if not items:
        return ""
    return render_to_string("immunization/_home_widget.html", {"items": items}, request=request)
