from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError

from . import mynumber as mn
from . import wareki
from .services import PURPOSES


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


class ResidentSearchForm(forms.Form):
    atena_no = forms.CharField(label="宛番号", required=False, max_length=15)
    name = forms.CharField(label="氏名(カナ・漢字)", required=False, max_length=60)
    birth_date = JapaneseDateField(label="生年月日", required=False)
    address = forms.CharField(label="住所", required=False, max_length=100)
    include_former = forms.BooleanField(label="転出・死亡者を含む", required=False)

    def clean_atena_no(self) -> str:
        value = self.cleaned_data["atena_no"].strip()
        from .kana import normalize_text

        value = normalize_text(value)
        if value and not value.isdigit():
            raise ValidationError("宛番号は数字で入力してください。")
        return value

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(k) for k in ("atena_no", "name", "birth_date", "address")):
            raise ValidationError("検索条件を1つ以上入力してください。")
        return data


PURPOSE_CHOICES = [("", "― 選択してください ―")] + [(p, p) for p in PURPOSES]


class MyNumberSearchForm(forms.Form):
    mynumber = forms.CharField(label="個人番号", max_length=20, widget=forms.PasswordInput(render_value=False))
    purpose = forms.ChoiceField(label="事務(利用目的)", choices=PURPOSE_CHOICES)

    def clean_mynumber(self) -> str:
        return mn.validate(self.cleaned_data["mynumber"])


class RevealForm(forms.Form):
    purpose = forms.ChoiceField(label="表示する理由(事務)", choices=PURPOSE_CHOICES)
