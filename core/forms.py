"""Form fields every app shares: dates typed as staff type them (和暦 or 西暦)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError

from . import wareki


class JapaneseDateField(forms.Field):
    """Accepts 西暦 or 和暦 as typed (R2.4.1, 令和2年4月1日, 2020-04-01, 20200401)."""

    widget = forms.TextInput

    def to_python(self, value: str | None) -> datetime.date | None:
        value = (value or "").strip()[:30]
        if not value:
            return None
        try:
            return wareki.parse_date(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_date") from exc
