"""What relief shows outside its own pages: on the home page, the worker's own claim counts; on the
resident page, only that claims exist (count), to relief staff only. Never any medical detail."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .access import ACCESS, claims_for_user, is_supervisor
from .models import Claim, ClaimUserObjectPermission, Payment, State


def home_widget(request: Any) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(ACCESS):
        return ""
    mine = claims_for_user(user)
    open_states = [s for s in State.values if s not in (State.PAID, State.NOT_PAID)]
    context = {
        "open_count": mine.filter(state__in=open_states).count(),
        "past_deadline": mine.filter(past_deadline=True, state=State.RECEIVED).count(),
        "due_payments": Payment.objects.filter(
            claim__in=mine, status=Payment.Status.SCHEDULED, due_on__lte=timezone.localdate()
        ).count(),
        "unassigned": mine.exclude(
            pk__in=ClaimUserObjectPermission.objects.filter(permission__codename="change_claim").values(
                "content_object_id"
            )
        ).count()
        if is_supervisor(user)
        else None,
    }
    return render_to_string("relief/_home_widget.html", context, request=request)


def resident_panel(request: Any, resident: Any) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(ACCESS):
        return ""
    count = Claim.objects.filter(resident=resident).count()
    if not count:
        return ""
    return render_to_string("relief/_resident_panel.html", {"count": count}, request=request)
