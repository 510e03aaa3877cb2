"""Linkage with the city's other systems: feed sources and their runs, the registry events applied,
the intermediate server's number links, network inquiries and answers, and the simulators' state.

Nothing here holds a My Number in clear: links and simulator records carry the blind index only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class FeedSource(models.Model):
    """One system that sends us data through the linkage platform (データ連携基盤)."""

    class Kind(models.TextChoices):
        REGISTRY = "registry", "住民記録(異動)"
        INITIAL = "initial", "住民記録(初期一括)"
        STATUS = "status", "状態(日次)"

    code = models.CharField("連携元コード", max_length=30, unique=True)
    name = models.CharField("連携元", max_length=100)
    kind = models.CharField("種類", max_length=10, choices=Kind.choices)
    realtime = models.BooleanField("リアルタイム連携", default=False)
    # sha256 of the bearer token the sending system presents on the real-time endpoint (per system).
    api_token_sha256 = models.CharField(max_length=64, blank=True, default="")
    inbox = models.CharField("受信フォルダ", max_length=300, blank=True, default="")
    enabled = models.BooleanField("有効", default=True)
    stale_after_hours = models.PositiveIntegerField("遅延とみなす時間", default=24)
    last_success_at = models.DateTimeField("最終正常取込", null=True, blank=True)
    state = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "連携元"
        verbose_name_plural = "連携元"
        ordering = ["id"]
        permissions = [
            ("view_feeds", "連携状況を閲覧できる"),
            ("run_feeds", "連携ファイルを取り込める"),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    def is_stale(self, now=None) -> bool:  # type: ignore[no-untyped-def]
        now = now or timezone.now()
        if not self.enabled:
            return False
        if self.last_success_at is None:
            return True
        return (now - self.last_success_at).total_seconds() > self.stale_after_hours * 3600


class FeedRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "実行中"
        SUCCEEDED = "succeeded", "正常終了"
        FAILED = "failed", "エラー(取込なし)"
        DRY_RUN = "dry_run", "検証のみ"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "定時"
        COMMAND = "command", "コマンド"
        UPLOAD = "upload", "画面から"
        REALTIME = "realtime", "リアルタイム"

    source = models.ForeignKey(FeedSource, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField("結果", max_length=10, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField("起動", max_length=10, choices=Trigger.choices)
    filename = models.CharField("ファイル", max_length=300, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)
    file_id = models.CharField("ファイルID", max_length=60, blank=True, default="")
    started_at = models.DateTimeField("開始", default=timezone.now)
    finished_at = models.DateTimeField("終了", null=True, blank=True)
    duration_s = models.FloatField("所要秒", null=True, blank=True)
    records = models.PositiveIntegerField("件数", default=0)
    applied = models.PositiveIntegerField("反映", default=0)
    unchanged = models.PositiveIntegerField("反映済・変更なし", default=0)
    stale = models.PositiveIntegerField("古い異動(報告のみ)", default=0)
    errors = models.JSONField("エラー", default=list, blank=True)
    notes = models.JSONField("報告", default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = "連携実行"
        verbose_name_plural = "連携実行"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "-started_at"], name="feedrun_source_started")]

    def __str__(self) -> str:
        return f"{self.source.code} {self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class AppliedEvent(models.Model):
    """Each registry change event we have seen, by its message id: replays change nothing."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "反映"
        STALE = "stale", "古い異動のため報告のみ"

    event_id = models.CharField(max_length=40, unique=True)
    seq = models.BigIntegerField()
    atena_no = models.CharField(max_length=15, db_index=True)
    event_type = models.CharField(max_length=4)
    content_sha256 = models.CharField(max_length=64)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    run = models.ForeignKey(FeedRun, on_delete=models.PROTECT, related_name="events")
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "適用済み異動"

    def __str__(self) -> str:
        return f"異動 {self.event_id}"


class RegistryCursor(models.Model):
    """The newest registry sequence number applied per person: an older event is reported, not applied."""

    atena_no = models.CharField(max_length=15, primary_key=True)
    last_seq = models.BigIntegerField()

    class Meta:
        verbose_name = "異動の適用位置"

    def __str__(self) -> str:
        return f"{self.atena_no}: {self.last_seq}"


class NumberLink(models.Model):
    """My Number ↔ 団体内統合宛名番号 ↔ 宛番号, as registered at the intermediate server."""

    resident = models.OneToOneField("residents.Resident", on_delete=models.CASCADE, related_name="number_link")
    unified_no = models.CharField("団体内統合宛名番号", max_length=15, unique=True)
    mynumber_blind_index = models.CharField(max_length=64)
    registered_at = models.DateTimeField("紐付け登録日時", default=timezone.now)

    class Meta:
        verbose_name = "中間サーバー紐付け"

    def __str__(self) -> str:
        return f"紐付け {self.unified_no}"


class Inquiry(models.Model):
    """情報照会: one question to another body through the Information Provision Network."""

    class Status(models.TextChoices):
        ANSWERED = "answered", "回答あり"
        NO_DATA = "no_data", "該当なし"
        ERROR = "error", "エラー"

    item_code = models.CharField("照会項目", max_length=40)
    business = models.CharField("照会する事務", max_length=60)
    legal_basis = models.CharField("根拠法令", max_length=200)
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, related_name="+")
    unified_no = models.CharField(max_length=15)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField("目的", max_length=200, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices)
    answer = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=200, blank=True, default="")
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "情報照会"
        verbose_name_plural = "情報照会"
        ordering = ["-requested_at", "-id"]
        permissions = [
            ("network_inquiry", "情報提供ネットワークへ照会できる"),
            ("approve_answer", "情報提供(自動応答不可)を承認できる"),
        ]

    def __str__(self) -> str:
        return f"照会 {self.item_code} {self.requested_at:%Y-%m-%d}"


class ProvidedCopy(models.Model):
    """副本: the copy of our data registered at the intermediate server for answering other bodies."""

    item_code = models.CharField("提供項目", max_length=40)
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField(default=dict)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "副本"
        verbose_name_plural = "副本"
        constraints = [models.UniqueConstraint(fields=["item_code", "resident"], name="copy_item_resident")]

    def __str__(self) -> str:
        return f"副本 {self.item_code}"


class ProvisionRequest(models.Model):
    """情報提供: another body's inquiry about one of our residents, answered automatically or approved."""

    class Status(models.TextChoices):
        AUTO_ANSWERED = "auto", "自動応答済"
        PENDING = "pending", "承認待ち"
        APPROVED = "approved", "承認・回答済"
        REJECTED = "rejected", "不承認"
        NO_DATA = "no_data", "該当なし"

    request_id = models.CharField(max_length=40, unique=True)
    requester = models.CharField("照会元", max_length=100)
    requester_business = models.CharField("照会元の事務", max_length=100)
    item_code = models.CharField("提供項目", max_length=40)
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    answer = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("承認メモ", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "情報提供"
        verbose_name_plural = "情報提供"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "auto", "no_data"]) | Q(decided_by__isnull=False),
                name="provision_decided_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"情報提供 {self.request_id} {self.get_status_display()}"


class SimulatorRecord(models.Model):
    """What the simulated national side received or holds (only in tests and the demo)."""

    channel = models.CharField(max_length=30, db_index=True)
    key = models.CharField(max_length=80, db_index=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "シミュレータ記録"
        indexes = [models.Index(fields=["channel", "key"], name="sim_channel_key")]

    def __str__(self) -> str:
        return f"{self.channel}:{self.key}"
