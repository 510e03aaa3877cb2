"""Vaccination records and what they hang on: masters (institutions, doctors, manufacturers, lots),
vouchers (接種券), entry batches with four-eyes verification, punch-file imports and move-in surveys.

Doses are named by the per-dose code of the schedule (``dose_code``, e.g. "mr_1"), a plain string so that
records never depend on the rule tables' rows (rules change by date; a 2019 record keeps its code).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Institution(models.Model):
    """A medical institution (協力医療機関 and others) by its code."""

    code = models.CharField("医療機関コード", max_length=10, unique=True)
    name = models.CharField("名称", max_length=100)
    name_kana = models.CharField("名称カナ", max_length=100, blank=True)
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=20, blank=True)
    in_city = models.BooleanField("市内", default=True)
    kouiki = models.BooleanField("広域予防接種協力", default=False)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "医療機関"
        verbose_name_plural = "医療機関"
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]+$"), name="institution_code_digits")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Doctor(models.Model):
    code = models.CharField("医師コード", max_length=10, unique=True)
    name = models.CharField("氏名", max_length=100)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="doctors", null=True, blank=True, verbose_name="医療機関"
    )
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "医師"
        verbose_name_plural = "医師"
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]+$"), name="doctor_code_digits")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Manufacturer(models.Model):
    code = models.CharField("メーカーコード", max_length=4, unique=True)
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "製造販売業者"
        verbose_name_plural = "製造販売業者"
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^[0-9]+$"), name="manufacturer_code_digits")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VaccineLot(models.Model):
    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT, related_name="lots")
    lot_no = models.CharField("ロット番号", max_length=20)
    product_name = models.CharField("製品名", max_length=100)
    vaccine = models.CharField("ワクチン", max_length=30, help_text="接種コードの先頭(例: mr, flu_elderly)")
    expires_on = models.DateField("有効期限", null=True, blank=True)

    class Meta:
        verbose_name = "ロット"
        verbose_name_plural = "ロット"
        ordering = ["manufacturer", "lot_no"]
        constraints = [models.UniqueConstraint(fields=["manufacturer", "lot_no"], name="lot_unique_per_maker")]

    def __str__(self) -> str:
        return f"{self.lot_no}({self.product_name})"


class Voucher(models.Model):
    """接種券: one printed voucher for one resident and one dose; its number carries a check digit."""

    class Status(models.TextChoices):
        ISSUED = "issued", "発行済"
        VOIDED = "voided", "無効"
        USED = "used", "使用済"

    number = models.CharField("接種券番号", max_length=10, unique=True)
    # (resident, dose_code) is indexed below: no second index on resident alone
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="vouchers", db_index=False
    )
    dose_code = models.CharField("接種コード", max_length=30)
    issued_on = models.DateField("発行日")
    status = models.CharField("状態", max_length=8, choices=Status.choices, default=Status.ISSUED)
    copayment_class = models.CharField("自己負担区分", max_length=20, null=True, blank=True)
    batch_ref = models.CharField("発行バッチ", max_length=60)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by", verbose_name="再発行元"
    )
    voided_on = models.DateField("無効日", null=True, blank=True)
    void_reason = models.CharField("無効理由", max_length=200, blank=True)
    used_on = models.DateField("使用日", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作成者",
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "接種券"
        verbose_name_plural = "接種券"
        permissions = [("issue_voucher", "接種券を発行・再発行できる")]
        constraints = [
            # A re-run of the same notices batch cannot issue a second voucher.
            models.UniqueConstraint(fields=["batch_ref", "resident", "dose_code"], name="voucher_once_per_batch"),
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{10}$"), name="voucher_number_10_digits"),
            models.CheckConstraint(
                condition=~Q(status="voided") | Q(voided_on__isnull=False), name="voucher_voided_has_date"
            ),
        ]
        indexes = [models.Index(fields=["resident", "dose_code"], name="voucher_res_dose")]

    def __str__(self) -> str:
        return f"接種券 {self.number}"


class RecordSource(models.TextChoices):
    VOUCHER = "voucher", "接種券(返戻)"
    COUNTER = "counter", "窓口"
    SURVEY = "survey", "転入者調査票"
    OTHER_CITY = "other_city", "他市町村"


class EntryBatch(models.Model):
    """パンチ入力の単位: a pile of returned vouchers (or survey forms) keyed together."""

    class Mode(models.TextChoices):
        VERIFY = "verify", "照合(原票と確認)"
        DOUBLE = "double", "二重入力(ベリファイ)"

    label = models.CharField("バッチ名", max_length=100)
    mode = models.CharField("確認方式", max_length=8, choices=Mode.choices, default=Mode.VERIFY)
    source = models.CharField("入力元", max_length=12, choices=RecordSource.choices, default=RecordSource.VOUCHER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="作成者"
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)
    closed_at = models.DateTimeField("締切日時", null=True, blank=True)

    class Meta:
        verbose_name = "入力バッチ"
        verbose_name_plural = "入力バッチ"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"入力バッチ {self.pk} {self.label}"


class PunchImport(models.Model):
    """One attempt to import the contractor's monthly punch file (accepted or refused as a whole)."""

    class Status(models.TextChoices):
        REJECTED = "rejected", "取込不可(エラー)"
        RECONCILED = "reconciled", "取込・突合済"
        CLOSED = "closed", "例外処理完了"

    file_name = models.CharField("ファイル名", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField("サイズ", default=0)
    status = models.CharField("状態", max_length=12, choices=Status.choices)
    line_count = models.PositiveIntegerField("行数", default=0)
    errors = models.JSONField("エラー", default=list, blank=True)
    counts = models.JSONField("件数", default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "パンチデータ取込"
        verbose_name_plural = "パンチデータ取込"
        ordering = ["-uploaded_at"]
        permissions = [("reconcile_punch", "パンチデータを取り込み、突合の例外を処理できる")]
        constraints = [
            # the same file is imported once; refused attempts may repeat
            models.UniqueConstraint(fields=["sha256"], condition=~Q(status="rejected"), name="punch_import_file_once"),
        ]

    def __str__(self) -> str:
        return f"取込 {self.pk} {self.file_name}"


class PunchLine(models.Model):
    """One line of an imported file, with the category reconciliation gave it and how it was resolved."""

    class Category(models.TextChoices):
        NEW = "new", "新規"
        DUPLICATE = "duplicate", "重複(同一記録あり)"
        CONFLICT = "conflict", "不一致(同じ接種で日付・ロット等が異なる)"
        UNKNOWN = "unknown", "接種券・宛番号不明"
        VOIDED = "voided", "無効な接種券"
        NOT_ELIGIBLE = "not_eligible", "対象外(年齢・間隔)"
        NOT_RESIDENT = "not_resident", "接種日に住民でない"

    class Resolution(models.TextChoices):
        OPEN = "open", "未処理"
        AUTO = "auto", "自動処理"
        ACCEPTED = "accepted", "採用"
        CORRECTED = "corrected", "訂正して採用"
        REJECTED = "rejected", "不採用"

    # Few indexes on purpose: each set-based UPDATE of 30,000 lines rewrites every index of the table.
    punch_import = models.ForeignKey(PunchImport, on_delete=models.CASCADE, related_name="lines", db_index=False)
    line_no = models.PositiveIntegerField("行番号")
    voucher_no = models.CharField("接種券番号", max_length=10)
    atena_no = models.CharField("宛番号", max_length=15)
    dose_code = models.CharField("接種コード", max_length=30)
    vaccinated_on = models.DateField("接種日")
    institution_code = models.CharField("医療機関コード", max_length=10)
    doctor_code = models.CharField("医師コード", max_length=10, blank=True)
    manufacturer_code = models.CharField("メーカーコード", max_length=4)
    lot_no = models.CharField("ロット番号", max_length=20)
    dose_volume_ml = models.DecimalField("接種量(mL)", max_digits=4, decimal_places=2)
    copayment_amount = models.PositiveIntegerField("自己負担徴収額", default=0)

    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category = models.CharField("区分", max_length=14, choices=Category.choices, blank=True, default="")
    detail = models.CharField("内容", max_length=300, blank=True, default="")
    existing_record = models.ForeignKey(
        "VaccinationRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField("処理", max_length=10, choices=Resolution.choices, default=Resolution.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.CharField("処理理由", max_length=300, blank=True, default="")

    class Meta:
        verbose_name = "パンチデータ行"
        verbose_name_plural = "パンチデータ行"
        ordering = ["punch_import", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["punch_import", "line_no"], name="punch_line_no_unique"),
        ]
        indexes = [models.Index(fields=["punch_import", "category"], name="punch_line_cat")]

    def __str__(self) -> str:
        return f"{self.punch_import_id}:{self.line_no}"


class VaccinationRecord(models.Model):
    """One dose given to one resident (予防接種台帳の1件). Only verified records count anywhere."""

    class Status(models.TextChoices):
        PENDING = "pending", "照合待ち"
        VERIFIED = "verified", "照合済"
        REJECTED = "rejected", "取消"

    # On 3,000,000 rows every index costs each insert: FK indexes that a composite index already serves
    # (resident -> record_res_dose_on, entry_batch -> record_batch_status) or that only a rare master or
    # account deletion would use are left out.
    resident = models.ForeignKey(
        "residents.Resident", on_delete=models.PROTECT, related_name="vaccinations", db_index=False
    )
    dose_code = models.CharField("接種区分(接種コード)", max_length=30)
    vaccinated_on = models.DateField("接種日", null=True, blank=True)
    date_unknown = models.BooleanField("接種日不明", default=False)
    dose_volume_ml = models.DecimalField("接種量(mL)", max_digits=4, decimal_places=2, null=True, blank=True)
    manufacturer = models.ForeignKey(
        Manufacturer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="メーカー",
        db_index=False,
    )
    lot = models.ForeignKey(
        VaccineLot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name="ロット",
        db_index=False,
    )
    lot_no = models.CharField("ロット番号", max_length=20, blank=True, default="")
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name="医療機関",
        db_index=False,
    )
    doctor = models.ForeignKey(
        Doctor, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="医師", db_index=False
    )
    doctor_name = models.CharField("医師名(自由記載)", max_length=100, blank=True, default="")
    venue_name = models.CharField("接種場所名", max_length=100, blank=True, default="")
    outside_city = models.BooleanField("市外", default=False)
    high_risk = models.BooleanField("ハイリスク", default=False)
    administrative_measure = models.BooleanField("行政措置", default=False)
    dpt_class = models.CharField("DPT区分", max_length=10, blank=True, default="")
    bcg_class = models.CharField("ツ反・BCG区分", max_length=10, blank=True, default="")
    claim_on = models.DateField("請求日", null=True, blank=True)
    copayment_class = models.CharField("自己負担区分", max_length=20, blank=True, default="")
    collection_class = models.CharField("徴収区分", max_length=20, blank=True, default="")
    copayment_amount = models.PositiveIntegerField("自己負担徴収額", null=True, blank=True)
    paid_on = models.DateField("支払日", null=True, blank=True)
    consent_submitted_on = models.DateField("同意書提出日", null=True, blank=True)
    consent_expires_on = models.DateField("同意書有効期限", null=True, blank=True)
    remarks = models.CharField("備考", max_length=300, blank=True, default="")

    source = models.CharField("入力元", max_length=12, choices=RecordSource.choices, default=RecordSource.VOUCHER)
    voucher = models.ForeignKey(
        Voucher,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name="接種券",
    )
    entry_batch = models.ForeignKey(
        EntryBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        db_index=False,
        verbose_name="入力バッチ",
    )
    punch_line = models.OneToOneField(
        PunchLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record",
        verbose_name="接種済み通知の行",
    )
    survey = models.ForeignKey(
        "MoveInSurvey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name="転入者調査",
    )

    status = models.CharField("状態", max_length=8, choices=Status.choices, default=Status.PENDING)
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="入力者",
        db_index=False,
    )
    keyed_at = models.DateTimeField("入力日時", default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="照合者",
        db_index=False,
    )
    verified_at = models.DateTimeField("照合日時", null=True, blank=True)
    rejected_reason = models.CharField("取消理由", max_length=300, blank=True, default="")
    # Age/interval problems found by the schedule rules; stored with the record, never hidden.
    problems = models.JSONField("規則上の問題", default=list, blank=True)
    rules_checked = models.BooleanField("規則確認済", default=False)

    class Meta:
        verbose_name = "予防接種記録"
        verbose_name_plural = "予防接種記録"
        permissions = [
            ("key_record", "接種記録を入力できる(パンチ入力)"),
            ("verify_record", "入力された接種記録を照合できる"),
            ("view_history", "接種履歴を照会できる"),
            ("search_lot", "ロット番号で被接種者を検索できる"),
            ("list_movein", "転入者調査の対象者を抽出できる"),
        ]
        constraints = [
            # PIA III-2 R3: keyed data is checked by someone other than the keyer, in the database too.
            models.CheckConstraint(
                condition=Q(keyed_by__isnull=True) | Q(verified_by__isnull=True) | ~Q(keyed_by=F("verified_by")),
                name="record_verifier_not_keyer",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | (Q(verified_by__isnull=False) & Q(verified_at__isnull=False)),
                name="record_verified_has_verifier",
            ),
            models.CheckConstraint(
                condition=(Q(date_unknown=True) & Q(vaccinated_on__isnull=True))
                | (Q(date_unknown=False) & Q(vaccinated_on__isnull=False)),
                name="record_date_or_unknown",
            ),
            # one live record per voucher (a rejected keying does not count)
            models.UniqueConstraint(
                fields=["voucher"],
                condition=Q(voucher__isnull=False) & ~Q(status="rejected"),
                name="record_one_per_voucher",
            ),
        ]
        indexes = [
            # covering: "has this person had this dose since <date>?" (notice extraction's anti-join, the
            # forecaster) is answered from the index alone, without visiting the table
            models.Index(
                fields=["resident", "dose_code", "vaccinated_on"], include=["status"], name="record_res_dose_on"
            ),
            models.Index(
                fields=["institution", "vaccinated_on"], name="record_inst_date", condition=Q(status="verified")
            ),
            models.Index(fields=["entry_batch", "status"], name="record_batch_status"),
            # exact lot search (recalls); one plain btree, not db_index's extra LIKE index
            models.Index(fields=["lot_no"], name="record_lot_no"),
        ]

    def __str__(self) -> str:
        return f"{self.dose_code} {self.vaccinated_on or '日付不明'}"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class SecondKeying(models.Model):
    """Double-entry mode: the second, independent keying of a record and what did not match."""

    record = models.OneToOneField(VaccinationRecord, on_delete=models.CASCADE, related_name="second_keying")
    keyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    keyed_at = models.DateTimeField(default=timezone.now)
    values = models.JSONField("入力値", default=dict)
    mismatches = models.JSONField("不一致項目", default=list, blank=True)

    class Meta:
        verbose_name = "二重入力"
        verbose_name_plural = "二重入力"

    def __str__(self) -> str:
        return f"二重入力 {self.record_id}"


class MoveInSurvey(models.Model):
    """転入者調査: the history survey sent to a resident who moved in, and its return."""

    class Status(models.TextChoices):
        PLANNED = "planned", "送付予定"
        SENT = "sent", "送付済"
        RETURNED = "returned", "回答あり"
        RECORDED = "recorded", "記録入力済"

    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="movein_surveys")
    moved_in_on = models.DateField("転入日")
    status = models.CharField("状態", max_length=10, choices=Status.choices, default=Status.PLANNED)
    sent_on = models.DateField("送付日", null=True, blank=True)
    returned_on = models.DateField("回答日", null=True, blank=True)
    note = models.CharField("備考", max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="作成者"
    )
    created_at = models.DateTimeField("作成日時", default=timezone.now)

    class Meta:
        verbose_name = "転入者調査"
        verbose_name_plural = "転入者調査"
        constraints = [
            models.UniqueConstraint(fields=["resident", "moved_in_on"], name="survey_once_per_move_in"),
        ]

    def __str__(self) -> str:
        return f"転入者調査 {self.resident_id} {self.moved_in_on}"
