from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from guardian.shortcuts import get_users_with_perms

from .access import ACCESS, claims_for_user, is_supervisor
from .models import Claim, ClaimUserObjectPermission


def _workers_of() -> Prefetch:
    return Prefetch(
        "user_perms",
        queryset=ClaimUserObjectPermission.objects.filter(permission__codename="change_claim")
        .select_related("user")
        .order_by("user__username"),
        to_attr="workers",
    )


def claim_list(
    user: Any, *, state: str = "", q: str = "", past_deadline: bool = False, unassigned: bool = False
) -> QuerySet[Claim]:
    """Claims the user may see; the supervisor also sees who handles each (and can find the unassigned)."""
    qs = claims_for_user(user)
    if is_supervisor(user):
        qs = qs.prefetch_related(_workers_of())
        if unassigned:
            handled = ClaimUserObjectPermission.objects.filter(
                content_object=OuterRef("pk"), permission__codename="change_claim"
            )
            qs = qs.filter(~Exists(handled))
    if state:
        qs = qs.filter(state=state)
    if past_deadline:
        qs = qs.filter(past_deadline=True)
    if q:
        qs = qs.filter(
            Q(claim_no__icontains=q)
            | Q(resident__atena_no=q)
            | Q(resident__name__contains=q)
            | Q(claimant_name__contains=q)
        )
    return qs.order_by("-received_on", "-id")


def relief_workers() -> QuerySet[Any]:
    """Active staff holding the relief right through one of their roles (not the supervisors)."""
    staff = get_user_model()
    return (
        staff.objects.filter(is_active=True, groups__permissions__codename=ACCESS.split(".")[1])
        .exclude(groups__permissions__codename="supervise_claims")
        .distinct()
        .order_by("username")
    )


def assigned_workers(claim: Claim) -> list[Any]:
    """The workers assigned to a claim (its per-claim change right held directly, not through a role)."""
    users = get_users_with_perms(claim, only_with_perms_in=["change_claim"], with_group_users=False)
    return sorted(users, key=lambda u: u.username)
