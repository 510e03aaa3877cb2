"""Fetch-and-authorize for claims: the only way views get a claim, a document or a letter.

A claim is visible to the relief workers assigned to it (object permissions `relief.view_claim` and
`relief.change_claim`, granted per claim through django-guardian) and to the relief supervisor
(`relief.supervise_claims`). Anyone else with the relief role gets 404: an unassigned claim does not
exist for them. Staff without the relief role get 403 before reaching here (require_perm).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from .models import Claim, ClaimDocument, ClaimLetter

VIEW = "relief.view_claim"
CHANGE = "relief.change_claim"
ACCESS = "relief.access_relief"
SUPERVISE = "relief.supervise_claims"


def is_supervisor(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(SUPERVISE))


def can_handle(user: Any, claim: Claim) -> bool:
    if not (user and user.is_authenticated and user.has_perm(ACCESS)):
        return False
    return is_supervisor(user) or user.has_perm(CHANGE, claim)


def claims_for_user(user: Any) -> QuerySet[Claim]:
    """Every claim for the supervisor; only the assigned ones for a worker (indexed join, no casts)."""
    base = Claim.objects.select_related("resident")
    if not (user and user.is_authenticated and user.has_perm(ACCESS)):
        return base.none()
    if is_supervisor(user):
        return base
    return get_objects_for_user(user, VIEW, klass=base, accept_global_perms=False, with_superuser=False)


def claim_get_for_user(user: Any, pk: int | str) -> Claim:
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404("該当する申請が見つかりません。") from exc
    claim = claims_for_user(user).filter(pk=pk).first()
    if claim is None:
        raise Http404("該当する申請が見つかりません。")
    return claim


def document_get_for_user(user: Any, claim_pk: int | str, pk: int | str) -> ClaimDocument:
    claim = claim_get_for_user(user, claim_pk)
    try:
        return claim.documents.get(pk=int(pk))
    except (ClaimDocument.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404("該当する書類が見つかりません。") from exc


def letter_get_for_user(user: Any, claim_pk: int | str, pk: int | str) -> ClaimLetter:
    claim = claim_get_for_user(user, claim_pk)
    try:
        return claim.letters.get(pk=int(pk))
    except (ClaimLetter.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404("該当する通知書が見つかりません。") from exc
