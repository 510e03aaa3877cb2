"""The monthly review of the access log (PIA III-3 R2: operations are reviewed every month).

What the reviewer looks for, per the PPC guideline's worked example: who revealed or searched by My
Number and how often, refusals, exports, access outside office hours, and unusually many lookups by one
person in one day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from core.refusals import REFUSED

from .models import AuditRecord, Event

# refusals, old and new: before core.refusals some apps wrote "refused" (the records are append-only)
REFUSED_OUTCOMES = [str(o) for o in REFUSED] + ["refused"]

OFFICE_HOURS = (8, 19)  # 8:00–18:59 JST, Monday to Friday
MANY_VIEWS_PER_DAY = 200


@dataclass
class MonthlyReview:
    year: int
    month: int
    per_user: list[dict] = field(default_factory=list)
    off_hours: list[dict] = field(default_factory=list)
    heavy_days: list[dict] = field(default_factory=list)
    denied: list[dict] = field(default_factory=list)
    total: int = 0


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def monthly_review(year: int, month: int) -> MonthlyReview:
    start, end = month_bounds(year, month)
    qs = AuditRecord.objects.filter(timestamp__gte=start, timestamp__lt=end).exclude(username="")
    review = MonthlyReview(year=year, month=month, total=qs.count())
    review.per_user = list(
        qs.values("username")
        .annotate(
            views=Count("id", filter=Q(event=Event.VIEW)),
            searches=Count("id", filter=Q(event=Event.SEARCH)),
            reveals=Count("id", filter=Q(event=Event.MYNUMBER_REVEAL)),
            number_searches=Count("id", filter=Q(event=Event.MYNUMBER_SEARCH)),
            exports=Count("id", filter=Q(event__in=[Event.EXPORT, Event.PRINT])),
            denied=Count("id", filter=Q(outcome__in=REFUSED_OUTCOMES)),
            total=Count("id"),
        )
        .order_by("-total")
    )
    local = qs.annotate(hour=ExtractHour("timestamp"), weekday=ExtractIsoWeekDay("timestamp"))
    review.off_hours = list(
        local.filter(Q(hour__lt=OFFICE_HOURS[0]) | Q(hour__gte=OFFICE_HOURS[1]) | Q(weekday__gte=6))
        .exclude(event__in=[Event.LOGIN_FAILED])
        .values("username", "event")
        .annotate(n=Count("id"))
        .order_by("username", "event")
    )
    review.heavy_days = list(
        qs.filter(event__in=[Event.VIEW, Event.SEARCH, Event.MYNUMBER_REVEAL, Event.MYNUMBER_SEARCH])
        .annotate(day=TruncDate("timestamp"))
        .values("username", "day")
        .annotate(n=Count("id"))
        .filter(n__gte=MANY_VIEWS_PER_DAY)
        .order_by("-n")
    )
    review.denied = list(
        qs.filter(outcome__in=REFUSED_OUTCOMES).values("username", "event").annotate(n=Count("id")).order_by("-n")
    )
    return review
