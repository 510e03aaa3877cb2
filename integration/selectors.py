"""Reads shared by the status page, the home-page flag and the approval queue."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from .models import FeedRun, FeedSource
from .permitted import PERMITTED_INQUIRIES, PROVISION_ITEMS


@dataclass
class SourceRow:
    source: FeedSource
    stale: bool
    last_run: FeedRun | None
    last_good: FeedRun | None


def source_overview() -> list[SourceRow]:
    now = timezone.now()
    rows = []
    for source in FeedSource.objects.order_by("id"):
        runs = FeedRun.objects.filter(source=source)
        rows.append(
            SourceRow(
                source=source,
                stale=source.is_stale(now),
                last_run=runs.first(),
                last_good=runs.filter(status=FeedRun.Status.SUCCEEDED).first(),
            )
        )
    return rows


def stale_sources() -> list[FeedSource]:
    now = timezone.now()
    return [s for s in FeedSource.objects.filter(enabled=True).order_by("id") if s.is_stale(now)]


def item_names() -> dict[str, str]:
    return {**{k: v.name for k, v in PROVISION_ITEMS.items()}, **{k: v.name for k, v in PERMITTED_INQUIRIES.items()}}
