"""Fetch-and-authorize helpers for notice batches, print files and targets."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import NoticeBatch, NoticeTarget, PrintFile


def _need(user: Any, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(perm)


def batch_get_for_user(user: Any, pk: Any, *, perm: str = "notices.view_noticebatch") -> NoticeBatch:
    _need(user, perm)
    try:
        return NoticeBatch.objects.get(pk=int(pk))
    except (NoticeBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("該当するバッチがありません。") from exc


def printfile_get_for_user(user: Any, batch_pk: Any, pk: Any) -> PrintFile:
    _need(user, "notices.download_printfile")
    try:
        return PrintFile.objects.select_related("batch").get(pk=int(pk), batch_id=int(batch_pk))
    except (PrintFile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("該当する印刷ファイルがありません。") from exc


def target_get_for_user(user: Any, pk: Any) -> NoticeTarget:
    _need(user, "notices.view_noticebatch")
    try:
        t = NoticeTarget.objects.select_related("batch", "print_file").get(pk=int(pk))
    except (NoticeTarget.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("該当する通知がありません。") from exc
    if t.print_file is None:
        raise Http404("この通知はまだ作成されていません。")
    return t
