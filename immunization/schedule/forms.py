from __future__ import annotations

import datetime
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError

from core.forms import JapaneseDateField

from .. import doses
from .engine import CONDITION_LABELS, PastDose

HISTORY_ROWS = 8
MAX_HISTORY_ROWS = 60


def dose_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """The doses grouped by vaccine, in the schedule's order (immunization.doses)."""
    groups: list = [("", "― 接種区分 ―")]
    for _vaccine, items in groupby(doses.all_doses(), key=lambda d: d.vaccine):
        listed = list(items)
        # the vaccine's name first, so that typing "MR" or "BCG" on the select jumps to it
        groups.append((listed[0].vaccine_name, [(d.code, d.label) for d in listed]))
    return groups


class HistoryDateField(JapaneseDateField):
    """A history date: 和暦 or 西暦, or 「不明」 for a dose whose date is not known."""

    def to_python(self, value):  # type: ignore[no-untyped-def, override]
        if value and value.strip() in ("不明", "?"):
            return None
        return super().to_python(value)


class CalculatorForm(forms.Form):
    """The phone-inquiry calculator: a birth date, a sex, the doses the caller reads from the 母子健康手帳."""

    birth_date = JapaneseDateField(
        label="生年月日",
        help_text="例: R7.6.10、2025-06-10",
        widget=forms.TextInput(attrs={"autofocus": True, "size": 14, "maxlength": 20, "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(label="性別", choices=[("2", "女"), ("1", "男")], initial="2")
    on = JapaneseDateField(
        label="基準日",
        required=False,
        help_text="空欄なら今日",
        widget=forms.TextInput(attrs={"size": 14, "maxlength": 20, "autocomplete": "off"}),
    )
    conditions = forms.MultipleChoiceField(
        label="対象要件", required=False, widget=forms.CheckboxSelectMultiple, choices=list(CONDITION_LABELS.items())
    )

    def __init__(self, data=None, *, rows: int = HISTORY_ROWS, today: datetime.date | None = None) -> None:
        super().__init__(data)
        self.today = today or datetime.date.today()  # noqa: DTZ011
        self.rows = max(HISTORY_ROWS, min(rows, MAX_HISTORY_ROWS))
        choices = dose_choices()
        for i in range(self.rows):
            self.fields[f"dose_{i}"] = forms.ChoiceField(
                label=f"接種区分{i + 1}",
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"aria-label": f"接種区分{i + 1}"}),
            )
            self.fields[f"date_{i}"] = HistoryDateField(
                label=f"接種日{i + 1}",
                required=False,
                help_text="不明なら「不明」",
                widget=forms.TextInput(
                    attrs={"size": 14, "maxlength": 20, "autocomplete": "off", "aria-label": f"接種日{i + 1}"}
                ),
            )

    def history_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"dose_{i}"], self[f"date_{i}"]) for i in range(self.rows)]

    def clean(self) -> dict:
        data = super().clean()
        birth = data.get("birth_date")
        on = data.get("on") or self.today
        data["on"] = on
        if birth and birth > on:
            raise ValidationError("生年月日が基準日より後です。")
        history: list[PastDose] = []
        for i in range(self.rows):
            code = data.get(f"dose_{i}")
            raw_date = (self.data.get(f"date_{i}") or "").strip()
            given = data.get(f"date_{i}")
            if not code:
                if given:
                    self.add_error(f"dose_{i}", f"{i + 1}行目: 接種区分を選んでください。")
                continue
            if not raw_date:
                self.add_error(f"date_{i}", f"{i + 1}行目: 接種日を入力してください(不明なら「不明」)。")
                continue
            if given is None and raw_date not in ("不明", "?"):
                continue  # the date field already carries its error
            if given and birth and given < birth:
                self.add_error(f"date_{i}", f"{i + 1}行目: 接種日が生年月日より前です。")
                continue
            if given and given > on:
                self.add_error(f"date_{i}", f"{i + 1}行目: 接種日が基準日より後です。")
                continue
            history.append(PastDose(code, given))
        data["history"] = history
        return data
