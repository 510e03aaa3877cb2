from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from core.wareki import parse_date

from .models import DocumentKind, PayeeAccount, Result, State
from .rules import Benefit, Relationship, VaccineClass
from .vaccines import vaccine_choices


class JpDateField(forms.CharField):
    """A date typed as 2026-04-01, 20260401, R8.4.1 or 令和8年4月1日."""

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


BLANK = [("", "―― 選択 ――")]


class ClaimIntakeForm(forms.Form):
    atena_no = forms.CharField(label="被接種者の宛番号", max_length=15)
    relationship = forms.ChoiceField(label="請求者の続柄", choices=BLANK + Relationship.choices)
    claimant_atena_no = forms.CharField(label="請求者の宛番号(住民の場合)", max_length=15, required=False)
    claimant_name = forms.CharField(label="請求者氏名", max_length=100, required=False)
    claimant_kana = forms.CharField(label="請求者氏名カナ", max_length=100, required=False)
    claimant_postal_code = forms.CharField(label="請求者郵便番号", max_length=8, required=False)
    claimant_address = forms.CharField(label="請求者住所", max_length=200, required=False)
    claimant_phone = forms.CharField(label="請求者電話番号", max_length=20, required=False)
    vaccine_code = forms.ChoiceField(label="接種区分(接種記録がない場合)", choices=BLANK, required=False)
    dose_label = forms.CharField(label="補足(回数・期など)", max_length=20, required=False)
    vaccinated_on = JpDateField(label="接種日(接種記録がない場合)", required=False)
    vaccinated_at = forms.CharField(label="接種医療機関", max_length=100, required=False)
    benefit = forms.ChoiceField(label="請求する給付", choices=BLANK + Benefit.choices)
    injury = forms.CharField(label="健康被害の状況(疾病名・症状)", widget=forms.Textarea(attrs={"rows": 3}))
    onset_on = JpDateField(label="発症日")
    treatment_from = JpDateField(label="治療開始日", required=False)
    treatment_to = JpDateField(label="治療終了日", required=False)
    costs_paid_on = JpDateField(label="医療費を支払った日", required=False)
    death_on = JpDateField(label="死亡日", required=False)
    hospital = forms.CharField(label="主な医療機関", max_length=100, required=False)
    received_on = JpDateField(label="受付日")
    late_reason = forms.CharField(
        label="期限経過後に受け付ける理由(期限を過ぎている場合)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate().isoformat()
        self.fields["vaccine_code"].choices = BLANK + vaccine_choices()

    def clean_claimant_postal_code(self) -> str:
        return self.cleaned_data["claimant_postal_code"].replace("-", "").replace("ー", "").strip()


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label="次の手続", choices=State.choices)
    on_date = JpDateField(label="日付", required=False)
    result = forms.ChoiceField(label="審査結果", choices=[("", "―"), *Result.choices], required=False)
    grade = forms.CharField(label="等級", max_length=10, required=False)
    note = forms.CharField(label="メモ", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PaymentDecideForm(forms.Form):
    decided_on = JpDateField(label="支給決定日", required=False)
    amount = forms.IntegerField(label="医療費(自己負担額・円)", required=False, min_value=0)
    months = forms.IntegerField(label="医療手当の月数", required=False, min_value=0, max_value=120)
    allowance_grade = forms.CharField(label="医療手当の区分", max_length=20, required=False)
    note = forms.CharField(label="メモ", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AccountForm(forms.Form):
    bank_code = forms.CharField(label="金融機関コード", max_length=4)
    bank_name = forms.CharField(label="金融機関名", max_length=60)
    branch_code = forms.CharField(label="支店コード", max_length=3)
    branch_name = forms.CharField(label="支店名", max_length=60)
    account_type = forms.ChoiceField(label="預金種目", choices=PayeeAccount.AccountType.choices)
    account_no = forms.CharField(label="口座番号", max_length=7)
    holder_kana = forms.CharField(label="口座名義(カナ)", max_length=60)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="書類の種類", choices=BLANK + DocumentKind.choices)
    file = forms.FileField(label="ファイル(PDF・JPEG・PNG・TIFF)")


class MarkPaidForm(forms.Form):
    paid_on = JpDateField(label="支払日", required=False)


class AssignForm(forms.Form):
    worker = forms.ModelChoiceField(label="担当者", queryset=None, empty_label="―― 選択 ――")  # type: ignore[arg-type]

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class ExportForm(forms.Form):
    due_until = JpDateField(label="支払予定日(この日まで)")


class RateForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度(西暦)", min_value=2000, max_value=2100)
    vaccine_class = forms.ChoiceField(label="疾病の類型", choices=VaccineClass.choices)
    benefit = forms.ChoiceField(label="給付", choices=Benefit.choices)
    grade = forms.CharField(label="等級・区分", max_length=20, required=False)
    amount = forms.IntegerField(label="金額(円)", min_value=1)
    source = forms.CharField(label="根拠", max_length=200, required=False)
