"""Fetch-and-authorize helpers: the only way views get a resident."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Resident


def resident_get_for_user(user: Any, pk: int | str) -> Resident:
    if not user.has_perm("residents.view_register"):
        raise PermissionDenied("住民記録を照会する権限がありません。")
    try:
        return Resident.objects.select_related("household").get(pk=int(pk))
    except (Resident.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("該当する住民が見つかりません。") from exc
