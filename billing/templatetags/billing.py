from __future__ import annotations

from django import template

from billing.vaccines import VACCINE_LABELS, dose_label

register = template.Library()


@register.filter
def vaccine_label(code: str) -> str:
    return VACCINE_LABELS.get(code, code)


@register.filter
def dose_name(code: str) -> str:
    return dose_label(code)
