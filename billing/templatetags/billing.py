from __future__ import annotations

from django import template

from billing.vaccines import VACCINE_LABELS
from immunization import doses

register = template.Library()


@register.filter
def vaccine_label(code: str) -> str:
    return VACCINE_LABELS.get(code, code)


@register.filter
def dose_name(code: str) -> str:
    return doses.label(code)


@register.filter
def nendo(fiscal_year: int | None) -> str:
    """2026 -> 令和8年度 (fiscal years are spoken of in the era)."""
    import datetime

    from core.wareki import era_of

    if not fiscal_year:
        return ""
    era, year = era_of(datetime.date(int(fiscal_year), 4, 1))
    return f"{era}{'元' if year == 1 else year}年度"
