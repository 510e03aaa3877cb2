from __future__ import annotations

from django import forms

from core.wareki import parse_date

from .models import BatchKind, Cohort


class WarekiDateField(forms.DateField):
    """Accepts 2026-11-01, R8.11.1, 令和8年11月1日."""

    def to_python(self, value):  # type: ignore[no-untyped-def]
        if value in self.empty_values:
            return None
        try:
            d = parse_date(str(value))
        except ValueError as exc:
            raise forms.ValidationError("日付を正しく入力してください(例: 2026-11-01 または R8.11.1)。") from exc
        if d is None:
            raise forms.ValidationError("日付を正しく入力してください(例: 2026-11-01 または R8.11.1)。")
        return d


class BatchForm(forms.Form):
    kind = forms.ChoiceField(label="通知の種類", choices=BatchKind.choices)
    vaccine_code = forms.CharField(
        label="ワクチンのコード", required=False, max_length=40, help_text="例: mr, flu_elderly"
    )
    dose = forms.IntegerField(label="回数", required=False, min_value=1, max_value=9, help_text="例: 2 → mr_2")
    on = WarekiDateField(label="基準日")
    cohort = forms.ChoiceField(label="対象者の範囲", choices=Cohort.choices)
    age_from = forms.IntegerField(label="年齢(から)", required=False, min_value=0, max_value=120)
    age_to = forms.IntegerField(label="年齢(まで)", required=False, min_value=0, max_value=120)
    movein_from = WarekiDateField(label="転入日(から)", required=False)
    window_end = WarekiDateField(
        label="全員に同じ接種期限を印字する",
        required=False,
        help_text="季節性の接種など。空欄なら一人ずつ法定期間の終わり",
    )
    exclude_vaccinated = forms.BooleanField(label="接種済み・確認中の人を除く", required=False, initial=True)
    notified_within_days = forms.IntegerField(
        label="N日以内に通知済みの人を除く", required=False, min_value=1, max_value=365, initial=30
    )
    mynaportal = forms.BooleanField(label="A類はマイナポータルにもお知らせする", required=False, initial=True)
