from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import JapaneseDateField

from . import mynumber as mn
from .services import PURPOSES


class ResidentSearchForm(forms.Form):
    atena_no = forms.CharField(label="宛番号", required=False, max_length=15)
    name = forms.CharField(label="氏名(カナ・漢字)", required=False, max_length=60)
    birth_date = JapaneseDateField(label="生年月日", required=False)
    address = forms.CharField(label="住所", required=False, max_length=100)
    include_former = forms.BooleanField(label="転出・死亡者を含む", required=False)

    def clean_atena_no(self) -> str:
        value = self.cleaned_data["atena_no"].strip()
        from core.kana import normalize_text

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


class DisclosureReceiveForm(forms.Form):
    atena_no = forms.CharField(label="宛番号", max_length=15)
    kind = forms.ChoiceField(label="請求の種類", choices=[])
    received_on = JapaneseDateField(label="受付日")
    requester = forms.ChoiceField(label="請求者", choices=[])
    requester_name = forms.CharField(label="請求者氏名(代理人の場合)", max_length=100, required=False)
    identity_document = forms.CharField(label="本人確認書類", max_length=60, help_text="例: 個人番号カード、運転免許証")
    content = forms.CharField(label="請求の内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        from .models import DisclosureRequest

        self.fields["kind"].choices = DisclosureRequest.Kind.choices
        self.fields["requester"].choices = DisclosureRequest.Requester.choices

    def clean_atena_no(self) -> str:
        from core.kana import normalize_text

        from .models import Resident

        value = normalize_text(self.cleaned_data["atena_no"].strip())
        if not value.isdigit() or not Resident.objects.filter(atena_no=value).exists():
            raise ValidationError("この宛番号の住民は見つかりません。")
        return value

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean()
        if data.get("requester") in ("legal", "proxy") and not (data.get("requester_name") or "").strip():
            self.add_error("requester_name", "代理人による請求では請求者の氏名を入力してください。")
        if data.get("received_on") and data["received_on"] > timezone.localdate():
            self.add_error("received_on", "受付日が未来の日付になっています。")
        return data


class DisclosureUpdateForm(forms.Form):
    state = forms.ChoiceField(label="状態", choices=[])
    decision = forms.ChoiceField(label="決定", choices=[], required=False)
    decided_on = JapaneseDateField(label="決定日", required=False)
    extended_to = JapaneseDateField(
        label="延長後の期限", required=False, help_text="延長したときは請求者への通知も必要です"
    )
    note = forms.CharField(
        label="経過・備考", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        from .models import DisclosureRequest

        self.fields["state"].choices = DisclosureRequest.State.choices
        self.fields["decision"].choices = DisclosureRequest.Decision.choices

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean()
        if data.get("state") == "decided" and not (data.get("decision") and data.get("decided_on")):
            raise ValidationError("決定済みにするには、決定の内容と決定日を入力してください。")
        return data
