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
