"""The vaccination-history section of the resident page (registered in AppConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from . import eligibility, selectors
from .models import Voucher


def history_panel(request: Any, resident: Any) -> str:
    if not request.user.has_perm("immunization.view_history"):
        return ""
    records = [{"obj": r, "label": eligibility.dose_label(r.dose_code)} for r in selectors.resident_history(resident)]
    vouchers = Voucher.objects.filter(resident=resident).order_by("-issued_on", "-id")[:30]
    return render_to_string(
        "immunization/_history_panel.html", {"records": records, "vouchers": vouchers}, request=request
    )
