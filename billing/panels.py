"""The co-payment section of the resident page: consents, this year's decisions and their history."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from . import selectors
from .forms import ConsentForm, CounterDecisionForm, DecideForm


def copayment_panel(request: Any, resident: Any) -> str:
    user = request.user
    can_consents = user.has_perm("billing.view_consent")
    can_decisions = user.has_perm("billing.view_copaymentdecision")
    if not (can_consents or can_decisions):
        return ""
    fy = selectors.current_fiscal_year()
    context = {
        "resident": resident,
        "fiscal_year": fy,
        "can_consents": can_consents,
        "can_decisions": can_decisions,
        "can_key": user.has_perm("billing.add_consent"),
        "can_verify": user.has_perm("billing.verify_consent"),
        "can_decide": user.has_perm("billing.decide_copayment"),
        "consents": selectors.consents_of(resident) if can_consents else [],
        "current": selectors.current_decisions(resident, fy) if can_decisions else {},
        "history": selectors.decision_history(resident)[:30] if can_decisions else [],
        "consent_form": ConsentForm(prefix="consent"),
        "decide_form": DecideForm(prefix="decide", initial={"fiscal_year": fy}),
        "counter_form": CounterDecisionForm(prefix="counter", initial={"fiscal_year": fy}),
    }
    return render_to_string("billing/_resident_panel.html", context, request=request)


def home_widget(request: Any) -> str:
    """Work waiting for this user: consents to verify, draft claims to approve."""
    from .models import Claim, Consent

    user = request.user
    items = []
    if user.has_perm("billing.verify_consent"):
        n = Consent.objects.filter(state=Consent.State.PENDING).exclude(keyed_by=user).count()
        if n:
            items.append(("billing:consent_queue", f"照合待ちの同意書が {n} 件あります。"))
    if user.has_perm("billing.run_claims"):
        n = Claim.objects.filter(status=Claim.Status.DRAFT).count()
        if n:
            items.append(("billing:claims", f"未承認の請求が {n} 件あります。"))
    if not items:
        return ""
    return render_to_string("billing/_home_widget.html", {"items": items}, request=request)
