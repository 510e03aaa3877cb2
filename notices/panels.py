"""The resident page's 通知・接種券 section (registered in NoticesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from . import selectors


def notice_history_panel(request: Any, resident: Any) -> str:
    if not request.user.has_perm("notices.view_noticebatch"):
        return ""
    return render_to_string(
        "notices/_resident_panel.html",
        {
            "targets": selectors.resident_notice_history(resident),
            "vouchers": selectors.resident_vouchers(resident),
        },
        request=request,
    )


def home_widget(request: Any) -> str:
    """Batches waiting for confirmation or being made, on the clerk's home page."""
    if not request.user.has_perm("notices.view_noticebatch"):
        return ""
    from .models import NoticeBatch

    open_states = ["extracting", "preview", "queued", "running", "failed"]
    batches = list(NoticeBatch.objects.filter(state__in=open_states).order_by("-created_at")[:10])
    if not batches:
        return ""
    return render_to_string("notices/_home_widget.html", {"batches": batches}, request=request)
