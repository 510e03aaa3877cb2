"""The resident register (住民記録): one Person per 宛番号, households, status periods and the My Number.

Status items (tax, welfare, insurance, DV support, mailing address …) are periods kept as history:
a change or correction adds a row, so any decision can be re-derived "as of" a date (see selectors).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Household(models.Model):
    household_no = models.CharField("世帯番号", max_length=15, unique=True)
    head_name = models.CharField("世帯主名", max_length=100, blank=True)

    class Meta:
        verbose_name = "世帯"
        verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return f"世帯 {self.household_no}"


class Resident(models.Model):
    class Type(models.TextChoices):
        JAPANESE = "1", "日本人住民"
        FOREIGN = "2", "外国人住民"
        NON_REGISTERED = "9", "住登外者"

    class Sex(models.TextChoices):
        MALE = "1", "男"
        FEMALE = "2", "女"

    class Status(models.TextChoices):
        RESIDENT = "resident", "住民"
        MOVED_OUT = "moved_out", "転出"
        DECEASED = "deceased", "死亡"
        DELETED = "deleted", "職権消除"

    atena_no = models.CharField("宛番号", max_length=15, unique=True)
    unified_no = models.CharField("団体内統合宛名番号", max_length=15, unique=True, null=True, blank=True)
    resident_type = models.CharField("住民種別", max_length=1, choices=Type.choices, default=Type.JAPANESE)
    status = models.CharField("住民状態", max_length=12, choices=Status.choices, default=Status.RESIDENT)

    name = models.CharField("氏名", max_length=100)
    name_kana = models.CharField("氏名カナ", max_length=100)
    alias_name = models.CharField("通称名", max_length=100, blank=True)
    alias_kana = models.CharField("通称名カナ", max_length=100, blank=True)
    alpha_name = models.CharField("アルファベット氏名", max_length=100, blank=True)
    sex = models.CharField("性別", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("生年月日", db_index=True)

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", verbose_name="世帯")
    relation1 = models.CharField("続柄1", max_length=20, blank=True)
    relation2 = models.CharField("続柄2", max_length=20, blank=True)
    relation3 = models.CharField("続柄3", max_length=20, blank=True)

    postal_code = models.CharField("郵便番号", max_length=7, blank=True)
    address = models.CharField("住所", max_length=200, blank=True)
    katagaki = models.CharField("方書", max_length=100, blank=True)
    town_code = models.CharField("町CD", max_length=10, blank=True)
    block_code = models.CharField("字CD", max_length=10, blank=True)
    school_district = models.CharField("小学校区", max_length=50, blank=True)
    prev_address = models.CharField("前住所", max_length=200, blank=True)
    next_address = models.CharField("転出先住所", max_length=200, blank=True)

    became_resident_on = models.DateField("住民となった日", null=True, blank=True)
    became_resident_reason = models.CharField("住民となった事由", max_length=20, blank=True)
    ceased_on = models.DateField("住民でなくなった日", null=True, blank=True)
    ceased_reason = models.CharField("住民でなくなった事由", max_length=20, blank=True)

    # Search keys, derived by core.kana (width, hiragana/katakana and spaces folded).
    kana_key = models.CharField(max_length=100, editable=False, default="")
    given_kana_key = models.CharField(max_length=60, editable=False, default="")
    name_key = models.CharField(max_length=100, editable=False, default="")
    address_key = models.CharField(max_length=200, editable=False, default="")

    created_at = models.DateTimeField("登録日時", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "住民"
        verbose_name_plural = "住民"
        permissions = [
            ("view_register", "住民記録を照会できる"),
            ("use_mynumber", "個人番号を利用できる(番号利用事務従事者)"),
        ]
        indexes = [
            # family-name prefix with the given-name prefix checked inside the index (no heap visits for misses)
            models.Index(
                fields=["kana_key", "given_kana_key", "status"],
                name="res_kana_given",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["given_kana_key"], name="res_given_kana", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_key"], name="res_name_key", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["address_key"], name="res_address_key", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "birth_date"], name="res_status_birth"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(atena_no__regex=r"^[0-9]+$"), name="atena_no_digits"),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=models.F("birth_date")),
                name="ceased_after_birth",
            ),
        ]

    def __str__(self) -> str:
        # Never the My Number: this string is stored in every audit record about the person.
        return f"{self.atena_no} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.RESIDENT


class StatusKind(models.TextChoices):
    TAX = "tax", "住民税課税区分"
    WELFARE = "welfare", "生活保護"
    CHINA_SUPPORT = "china_support", "中国残留邦人等支援給付"
    NHI = "nhi", "国民健康保険"
    LATE_ELDERLY = "late_elderly", "後期高齢者医療"
    LTC = "ltc", "介護保険認定"
    DISABILITY = "disability", "障害者手帳"
    DV = "dv", "DV等支援措置"
    MAILING = "mailing", "共通送付先"
    INCOME = "income", "所得段階"


class ResidentStatus(models.Model):
    """One period of one status item. Rows are never edited: a correction is a newer row."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="statuses")
    kind = models.CharField("項目", max_length=20, choices=StatusKind.choices)
    code = models.CharField("区分", max_length=20)
    fiscal_year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    valid_from = models.DateField("開始日")
    valid_to = models.DateField("終了日", null=True, blank=True)
    detail = models.JSONField("内容", default=dict, blank=True)
    source = models.CharField("取得元", max_length=40, default="manual")
    recorded_at = models.DateTimeField("記録日時", default=timezone.now)

    class Meta:
        verbose_name = "住民の状態"
        verbose_name_plural = "住民の状態"
        indexes = [
            models.Index(fields=["resident", "kind", "valid_from"], name="status_res_kind_from"),
            # the few statuses that change where mail goes (DV protection, 共通送付先): notice extraction
            # reads all of them at once, without scanning every tax and insurance period
            models.Index(
                fields=["resident", "valid_from"], condition=Q(kind__in=["dv", "mailing"]), name="status_mail_kinds"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="status_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code} {self.valid_from}〜{self.valid_to or ''}"


class MyNumber(models.Model):
    """個人番号: AES-GCM ciphertext with its key id, and an HMAC blind index. Never in clear."""

    class IdentityCheck(models.TextChoices):
        CARD = "card", "個人番号カード"
        NOTICE_AND_ID = "notice_id", "通知カード＋本人確認書類"
        JUKINET = "jukinet", "住基ネット照会"
        REGISTRY = "registry", "住民記録システム連携"

    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, primary_key=True, related_name="mynumber")
    key_id = models.CharField(max_length=16)
    ciphertext = models.BinaryField()
    blind_index = models.CharField(max_length=64, unique=True)
    identity_check = models.CharField(
        "本人確認の方法", max_length=12, choices=IdentityCheck.choices, default=IdentityCheck.REGISTRY
    )
    registered_at = models.DateTimeField("登録日時", default=timezone.now)

    class Meta:
        verbose_name = "個人番号"
        verbose_name_plural = "個人番号"

    def __str__(self) -> str:
        return f"個人番号(宛番号 {self.resident_id})"


class DisclosureRequest(models.Model):
    """A resident's request about the personal information the office holds (PIA V; 個人情報保護法 第76条・
    第90条・第98条): disclosure, correction or suspension of use. The law gives 30 days to decide (第83条等),
    extendable by 30 more with a notice to the requester."""

    class Kind(models.TextChoices):
        DISCLOSURE = "disclosure", "開示請求"
        CORRECTION = "correction", "訂正請求"
        SUSPENSION = "suspension", "利用停止請求"

    class Requester(models.TextChoices):
        SELF = "self", "本人"
        LEGAL = "legal", "法定代理人"
        PROXY = "proxy", "任意代理人"

    class State(models.TextChoices):
        RECEIVED = "received", "受付"
        IN_PROGRESS = "in_progress", "対応中"
        DECIDED = "decided", "決定済み"
        WITHDRAWN = "withdrawn", "取下げ"

    class Decision(models.TextChoices):
        NONE = "", "未決定"
        FULL = "full", "全部開示・全部認容"
        PARTIAL = "partial", "一部開示・一部認容"
        REFUSED = "refused", "不開示・不認容"
        NOT_HELD = "not_held", "保有していない"

    DECISION_DAYS = 30

    request_no = models.CharField("受付番号", max_length=20, unique=True)
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="disclosure_requests")
    kind = models.CharField("請求の種類", max_length=12, choices=Kind.choices)
    received_on = models.DateField("受付日")
    requester = models.CharField("請求者", max_length=8, choices=Requester.choices, default=Requester.SELF)
    requester_name = models.CharField("請求者氏名(代理人の場合)", max_length=100, blank=True)
    identity_document = models.CharField("本人確認書類", max_length=60)
    content = models.TextField("請求の内容")
    due_on = models.DateField("決定期限")
    extended_to = models.DateField("延長後の期限", null=True, blank=True)
    state = models.CharField("状態", max_length=12, choices=State.choices, default=State.RECEIVED)
    decision = models.CharField("決定", max_length=10, choices=Decision.choices, blank=True, default="")
    decided_on = models.DateField("決定日", null=True, blank=True)
    note = models.TextField("経過・備考", blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="受付者"
    )
    created_at = models.DateTimeField("登録日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "開示・訂正・利用停止請求"
        verbose_name_plural = "開示・訂正・利用停止請求"
        ordering = ["-received_on", "-id"]
        permissions = [("handle_disclosure", "開示・訂正・利用停止請求を扱える")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="decided", decided_on__isnull=False) | ~Q(state="decided"),
                name="disclosure_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_no} {self.get_kind_display()}"

    @property
    def deadline(self) -> datetime.date:
        return self.extended_to or self.due_on

    def is_overdue(self, today: datetime.date) -> bool:
        return self.state in (self.State.RECEIVED, self.State.IN_PROGRESS) and self.deadline < today
