from __future__ import annotations

import datetime

from django import template

from core.wareki import format_wareki

register = template.Library()


@register.filter
def wareki(value: datetime.date | datetime.datetime | None, style: str = "") -> str:
    """{{ d|wareki }} -> 令和8年4月1日; {{ d|wareki:"short" }} -> R8.4.1"""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return format_wareki(value, short=style == "short")


@register.filter
def yen(value: int | None) -> str:
    return "" if value is None else f"{value:,}円"
