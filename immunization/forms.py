from __future__ import annotations

from django import forms

from . import doses
from .keyed import KEYED_FIELDS
from .models import EntryBatch, RecordSource

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class KeyForm(forms.Form):
    """The returned voucher as keyed; every field is checked by the service (immunization.keyed)."""

    voucher_no = forms.CharField(
        label="接種券番号", required=False, widget=forms.TextInput(NUMERIC | {"maxlength": 12})
    )
    atena_no = forms.CharField(label="宛番号", required=False, widget=forms.TextInput(NUMERIC))
    dose_code = forms.CharField(
        label="接種コード", required=False, widget=forms.TextInput({"list": "dose-codes", "autocomplete": "off"})
    )
    vaccinated_on = forms.CharField(
        label="接種日", required=False, help_text="20250410 / R7.4.10", widget=forms.TextInput({"autocomplete": "off"})
    )
    institution_code = forms.CharField(label="医療機関コード", required=False, widget=forms.TextInput(NUMERIC))
    doctor_code = forms.CharField(label="医師コード", required=False, widget=forms.TextInput(NUMERIC))
    manufacturer_code = forms.CharField(label="メーカーコード", required=False, widget=forms.TextInput(NUMERIC))
    lot_no = forms.CharField(label="ロット番号", required=False, widget=forms.TextInput({"autocomplete": "off"}))
    dose_volume_ml = forms.CharField(
        label="接種量(mL)", required=False, widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"})
    )
    copayment_amount = forms.CharField(label="自己負担徴収額(円)", required=False, widget=forms.TextInput(NUMERIC))
    high_risk = forms.BooleanField(label="ハイリスク", required=False)
    outside_city = forms.BooleanField(label="市外", required=False)
    administrative_measure = forms.BooleanField(label="行政措置", required=False)
    remarks = forms.CharField(label="備考", required=False, max_length=300)

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name, _ in KEYED_FIELDS}


class BatchForm(forms.Form):
    label = forms.CharField(label="バッチ名", max_length=100)
    mode = forms.ChoiceField(label="確認方式", choices=EntryBatch.Mode.choices)
    source = forms.ChoiceField(
        label="入力元", choices=[(RecordSource.VOUCHER, "接種券(返戻)"), (RecordSource.COUNTER, "窓口")]
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label="取消の理由", max_length=300)


class UploadForm(forms.Form):
    file = forms.FileField(label="パンチデータ(CP932 CSV)")


class ResolveForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", "採用"), ("correct", "訂正して再突合"), ("reject", "不採用")])
    reason = forms.CharField(label="理由", max_length=300)
    atena_no = forms.CharField(label="宛番号(訂正)", required=False)
    voucher_no = forms.CharField(label="接種券番号(訂正)", required=False)
    vaccinated_on = forms.CharField(label="接種日(訂正 YYYYMMDD)", required=False)
    lot_no = forms.CharField(label="ロット番号(訂正)", required=False)


class LotSearchForm(forms.Form):
    lot_no = forms.CharField(label="ロット番号", max_length=20)
    manufacturer = forms.CharField(label="メーカーコード", required=False, max_length=4)
    purpose = forms.CharField(label="検索の目的", max_length=200, help_text="例: 製造販売業者からの回収連絡(文書番号)")


class MoveInForm(forms.Form):
    date_from = forms.DateField(label="転入日(から)", widget=forms.DateInput({"type": "date"}))
    date_to = forms.DateField(label="転入日(まで)", widget=forms.DateInput({"type": "date"}))
    include_elderly = forms.BooleanField(label="60歳以上も含む", required=False)


def dose_code_choices() -> list[tuple[str, str]]:
    return [(d.code, f"{d.code} {d.label}") for d in doses.all_doses()]
