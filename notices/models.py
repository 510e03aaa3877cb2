"""Notice batches: guide letters with vouchers, reminder postcards and move-in surveys.

A batch is a row with a state and counts. Extraction writes one NoticeTarget per person of the cohort, with
the reason when excluded; confirming freezes the list and cuts it into chunks; each chunk renders one print
file. Unique constraints make every step safe to run again (a killed worker issues nothing twice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class BatchKind(models.TextChoices):
    GUIDE = "guide", "案内通知・接種券"
    REMINDER = "reminder", "未接種勧奨はがき"
    SURVEY = "survey", "転入者調査票"


class Cohort(models.TextChoices):
    LEGAL = "legal", "法定接種期間内の人"
    STANDARD = "standard", "標準接種期間内の人(接種時期)"
    OVERDUE = "overdue", "標準接種期間を過ぎた未接種の人(勧奨)"
    AGE = "age", "年齢で指定"
    MOVEIN = "movein", "期間内の転入者"


class DvPolicy(models.TextChoices):
    PROTECTED = "protected", "支援措置の送付先へ送る(送付先がなければ保留)"
    HOLD = "hold", "すべて保留して個別に対応する"


class ExclusionReason(models.TextChoices):
    INCLUDED = "", "対象"
    DEAD = "dead", "死亡"
    MOVED_OUT = "moved_out", "転出・消除"
    VACCINATED = "vaccinated", "接種済み・記録確認中"
    RECENT = "recent", "最近通知済み"
    NO_ADDRESS = "no_address", "住所・郵便番号なし"


class NoticeBatch(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "作成"
        EXTRACTING = "extracting", "抽出中"
        PREVIEW = "preview", "抽出済み(確認待ち)"
        QUEUED = "queued", "実行待ち"
        RUNNING = "running", "作成中"
        DONE = "done", "完了"
        FAILED = "failed", "エラー"
        CANCELLED = "cancelled", "取消"

    batch_ref = models.CharField("バッチ番号", max_length=32, unique=True)
    kind = models.CharField("種類", max_length=10, choices=BatchKind.choices)
    vaccine_code = models.CharField("ワクチン", max_length=40, blank=True)
    vaccine_class = models.CharField("類型", max_length=1, blank=True)  # "A" / "B"
    dose_codes = models.JSONField("接種区分", default=list)
    on = models.DateField("基準日")
    cohort = models.CharField("対象者の範囲", max_length=10, choices=Cohort.choices)
    age_from = models.PositiveSmallIntegerField("年齢(から)", null=True, blank=True)
    age_to = models.PositiveSmallIntegerField("年齢(まで)", null=True, blank=True)
    birth_from = models.DateField("生年月日(から)", null=True, blank=True)
    birth_to = models.DateField("生年月日(まで)", null=True, blank=True)
    movein_from = models.DateField("転入日(から)", null=True, blank=True)
    window_end = models.DateField("接種期限", null=True, blank=True)
    exclude_vaccinated = models.BooleanField("接種済み・確認中を除く", default=True)
    notified_within_days = models.PositiveSmallIntegerField("N日以内に通知済みの人を除く", null=True, blank=True)
    dv_policy = models.CharField("DV等支援措置対象者", max_length=10, choices=DvPolicy.choices)
    mynaportal = models.BooleanField("マイナポータルにも通知", default=False)

    state = models.CharField("状態", max_length=12, choices=State.choices, default=State.DRAFT, db_index=True)
    error = models.TextField("エラー", blank=True)
    counts = models.JSONField("除外理由別件数", default=dict, blank=True)
    candidates = models.PositiveIntegerField("抽出件数", default=0)
    targets = models.PositiveIntegerField("対象件数", default=0)
    held = models.PositiveIntegerField("保留件数", default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    notices_done = models.PositiveIntegerField("作成済み通知", default=0)
    pages_done = models.PositiveIntegerField("作成済みページ", default=0)
    errors_count = models.PositiveIntegerField("エラー件数", default=0)
    extract_seconds = models.FloatField(null=True, blank=True)
    # paths relative to the private storage area "notices" (notices.services.files)
    manifest_path = models.CharField(max_length=300, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    preview_sha256 = models.CharField(max_length=64, blank=True)  # empty until the preview is made
    origin = models.CharField("作成元", max_length=20, default="screen")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    extracted_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知バッチ"
        verbose_name_plural = "通知バッチ"
        ordering = ["-created_at"]
        permissions = [
            ("manage_batch", "通知バッチを作成・実行できる"),
            ("download_printfile", "印刷ファイルを取得できる"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_ref} {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.state in {self.State.EXTRACTING, self.State.QUEUED, self.State.RUNNING}


class NoticeChunk(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待ち"
        RUNNING = "running", "処理中"
        DONE = "done", "完了"
        FAILED = "failed", "エラー"
        CANCELLED = "cancelled", "取消"

    batch = models.ForeignKey(NoticeBatch, on_delete=models.CASCADE, related_name="chunks")
    no = models.PositiveIntegerField()
    seq_from = models.PositiveIntegerField()
    seq_to = models.PositiveIntegerField()
    held = models.BooleanField(default=False)  # DV-protected people held for manual handling: a file of their own
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)  # last time a message was sent for it
    lease_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "no"], name="chunk_unique_no"),
            models.CheckConstraint(condition=Q(seq_to__gte=models.F("seq_from")), name="chunk_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.no}"


class PrintFile(models.Model):
    """One PDF of a few hundred pages, sorted by postcode; stored in the private storage area "notices"."""

    batch = models.ForeignKey(NoticeBatch, on_delete=models.CASCADE, related_name="files")
    chunk = models.OneToOneField(NoticeChunk, on_delete=models.CASCADE, related_name="file")
    path = models.CharField(max_length=300)  # relative to the area: "<batch_ref>/<file>.pdf"
    pages = models.PositiveIntegerField()
    notices = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    postcode_from = models.CharField(max_length=7, blank=True)
    postcode_to = models.CharField(max_length=7, blank=True)
    held = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["chunk__no"]

    def __str__(self) -> str:
        return self.path


class NoticeTarget(models.Model):
    """One person of the extracted cohort, frozen at confirmation: what is printed is what was extracted."""

    class AddressSource(models.TextChoices):
        REGISTERED = "registered", "住民登録地"
        MAILING = "mailing", "共通送付先"
        DV_PROTECTED = "dv_protected", "支援措置の送付先"
        DV_HOLD = "dv_hold", "保留(DV等支援措置)"

    # no separate FK indexes: (batch, resident), (resident, printed_at) and (print_file, first_page) cover the
    # lookups, and each index is maintained for every one of the tens of thousands of rows an extraction writes
    batch = models.ForeignKey(
        NoticeBatch, on_delete=models.CASCADE, related_name="target_rows", db_index=False, verbose_name="通知バッチ"
    )
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        related_name="notice_targets",
        db_index=False,
        verbose_name="住民",
    )
    excluded_reason = models.CharField(
        "除外理由", max_length=12, choices=ExclusionReason.choices, blank=True, default=""
    )
    seq = models.PositiveIntegerField(
        "印刷順", null=True, blank=True
    )  # print order (postcode, address); null if excluded
    doses = models.JSONField("未接種の接種区分", default=list)  # the batch's doses this person still lacks
    address_source = models.CharField("送付先の種別", max_length=14, choices=AddressSource.choices)
    held = models.BooleanField("送付保留", default=False)
    atena_no = models.CharField("宛番号", max_length=15)
    name = models.CharField("氏名", max_length=100)
    name_kana = models.CharField("氏名カナ", max_length=100)
    birth_date = models.DateField("生年月日")
    mail_postal_code = models.CharField("送付先郵便番号", max_length=7, blank=True)
    mail_address = models.CharField("送付先住所", max_length=200, blank=True)
    mail_katagaki = models.CharField("送付先方書", max_length=100, blank=True)
    became_resident_on = models.DateField("住民となった日", null=True, blank=True)
    print_file = models.ForeignKey(
        PrintFile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name="印刷ファイル",
    )
    first_page = models.PositiveIntegerField("開始ページ", null=True, blank=True)
    page_count = models.PositiveSmallIntegerField("ページ数", default=0)
    printed_at = models.DateTimeField("印刷日時", null=True, blank=True)

    class Meta:
        verbose_name = "通知の送付先"
        verbose_name_plural = "通知の送付先"
        constraints = [
            models.UniqueConstraint(fields=["batch", "resident"], name="target_once_per_batch"),
            models.UniqueConstraint(fields=["batch", "seq"], name="target_unique_seq"),
            models.UniqueConstraint(
                fields=["print_file", "first_page"],
                condition=Q(print_file__isnull=False),
                name="target_one_page_slot",
            ),
            # Never the registered address for a DV-protected person (enforced here, not only in code).
            models.CheckConstraint(
                condition=~Q(address_source="dv_hold") | (Q(held=True) & Q(mail_address="")),
                name="target_dv_hold_has_no_address",
            ),
        ]
        indexes = [
            models.Index(fields=["resident", "printed_at"], name="target_resident_printed"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.atena_no}"


class MynaportalDelivery(models.Model):
    """One お知らせ per A-class target through the intermediate server; status per person."""

    class Status(models.TextChoices):
        PENDING = "pending", "送信待ち"
        DELIVERED = "delivered", "配信済み"
        FAILED = "failed", "配信失敗"

    target = models.OneToOneField(NoticeTarget, on_delete=models.CASCADE, related_name="mynaportal")
    notice_id = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.notice_id
