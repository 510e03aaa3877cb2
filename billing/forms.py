"""Forms: parse what staff type (和暦 or 西暦 dates, 10-key friendly codes) and say what is wrong in Japanese."""

from __future__ import annotations

from django import forms

from core.forms import JapaneseDateField

from .models import Consent
from .vaccines import CONSENT_SCOPES, VACCINE_CHOICES

# JapaneseDateField returns a date, so the length limit goes on the widget (a max_length validator
# would run on the date)
DATE_INPUT = forms.TextInput(attrs={"maxlength": 20, "size": 12})


class ConsentForm(forms.Form):
    filed_on = JapaneseDateField(label="同意書提出日", widget=DATE_INPUT)
    expires_on = JapaneseDateField(label="有効期限", widget=DATE_INPUT)
    channel = forms.ChoiceField(label="受付方法", choices=Consent.Channel.choices)
    scope = forms.ChoiceField(label="同意の範囲", choices=CONSENT_SCOPES, initial="all")
    form_no = forms.CharField(label="同意書番号", max_length=20, required=False)
    note = forms.CharField(label="備考", max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean()
        f, e = data.get("filed_on"), data.get("expires_on")
        if f and e and e < f:
            self.add_error("expires_on", "有効期限は同意書提出日以降の日付にしてください。")
        return data


class ConsentEntryForm(ConsentForm):
    """The keying screen: the resident is given by 宛番号 (typed from the form)."""

    atena_no = forms.CharField(label="宛番号", max_length=15)

    field_order = ["atena_no", "filed_on", "expires_on", "channel", "scope", "form_no", "note"]

    def clean_atena_no(self) -> str:
        from core.kana import normalize_text

        value = normalize_text(self.cleaned_data["atena_no"].strip())
        if not value.isdigit():
            raise forms.ValidationError("宛番号は数字で入力してください。")
        return value


class ConsentVerifyForm(forms.Form):
    filed_on = JapaneseDateField(label="同意書提出日(原本から入力)", widget=DATE_INPUT)
    expires_on = JapaneseDateField(label="有効期限(原本から入力)", widget=DATE_INPUT)


class ConsentRejectForm(forms.Form):
    reason = forms.CharField(label="差戻し理由", max_length=200)


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = JapaneseDateField(label="撤回日", widget=DATE_INPUT)


class DecideForm(forms.Form):
    vaccine = forms.ChoiceField(label="ワクチン", choices=VACCINE_CHOICES)
    fiscal_year = forms.IntegerField(label="年度", min_value=2019, max_value=2100)
    reference_date = JapaneseDateField(label="基準日(空欄は本日)", widget=DATE_INPUT, required=False)


class CounterDecisionForm(forms.Form):
    vaccine = forms.ChoiceField(label="ワクチン", choices=VACCINE_CHOICES)
    fiscal_year = forms.IntegerField(label="年度", min_value=2019, max_value=2100)
    exempt = forms.TypedChoiceField(
        label="判定", choices=[("1", "免除"), ("0", "自己負担あり")], coerce=lambda v: v == "1"
    )
    evidence = forms.CharField(label="提示書類", max_length=100)
    reason = forms.CharField(label="判定の説明", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    effective_from = JapaneseDateField(label="適用開始日(空欄は本日)", widget=DATE_INPUT, required=False)
