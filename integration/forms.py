from __future__ import annotations

from django import forms

from .models import FeedSource
from .permitted import BUSINESSES, PERMITTED_INQUIRIES


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(
        label="連携元", queryset=FeedSource.objects.exclude(kind=FeedSource.Kind.INITIAL).order_by("id")
    )
    file = forms.FileField(label="連携ファイル")
    dry_run = forms.BooleanField(label="検査のみ(反映しない)", required=False)


class InquiryForm(forms.Form):
    item = forms.ChoiceField(label="照会項目", choices=[(k, v.name) for k, v in PERMITTED_INQUIRIES.items()])
    business = forms.ChoiceField(label="照会する事務", choices=[(b, b) for b in BUSINESSES])
    purpose = forms.CharField(label="目的・備考", max_length=200, required=False)


class JukiVerifyForm(forms.Form):
    mynumber = forms.CharField(label="個人番号", max_length=20, widget=forms.PasswordInput(render_value=False))
    name = forms.CharField(label="氏名", max_length=100)
    sex = forms.ChoiceField(label="性別", choices=[("1", "男"), ("2", "女")])
    birth_date = forms.CharField(label="生年月日", max_length=20, help_text="例: 1980-04-01、昭和55年4月1日、S55.4.1")
    address = forms.CharField(label="住所(方書を含む)", max_length=200)

    def clean_birth_date(self):  # type: ignore[no-untyped-def]
        from core import wareki

        try:
            return wareki.parse_date(self.cleaned_data["birth_date"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
