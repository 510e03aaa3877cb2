"""The audit trail: one append-only, hash-chained table for every access and every change.

django-auditlog writes its create/update/delete entries here (AUDITLOG_LOGENTRY_MODEL), and our own
access records (views, searches, My Number reveals, exports, refusals, log-ins) are rows of the same
table with `action=ACCESS` and an `event`. A database trigger assigns `chain_seq`, `prev_hash` and
`row_hash` on insert and refuses UPDATE and DELETE (see migrations/0002_append_only_chain.py).
"""

from __future__ import annotations

from auditlog.models import AbstractLogEntry
from django.db import models


class Event(models.TextChoices):
    CREATE = "create", "作成"
    UPDATE = "update", "更新"
    DELETE = "delete", "削除"
    VIEW = "view", "閲覧"
    SEARCH = "search", "検索"
    MYNUMBER_REVEAL = "mynumber_reveal", "個人番号表示"
    MYNUMBER_SEARCH = "mynumber_search", "個人番号検索"
    MYNUMBER_USE = "mynumber_use", "個人番号利用"
    EXPORT = "export", "出力"
    PRINT = "print", "印刷"
    DENIED = "denied", "拒否"
    LOGIN = "login", "ログイン"
    LOGIN_FAILED = "login_failed", "ログイン失敗"
    LOGOUT = "logout", "ログアウト"
    LOCKOUT = "lockout", "アカウントロック"
    UNLOCK = "unlock", "ロック解除"
    RIGHTS = "rights", "権限変更"
    IMPORT = "import", "取込"
    BATCH = "batch", "一括処理"


class AuditRecord(AbstractLogEntry):
    # Searches, log-ins and exports concern no single object.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    object_pk = models.CharField(max_length=255, blank=True, default="", db_index=True)

    event = models.CharField("操作", max_length=32, choices=Event.choices, db_index=True, default="")
    username = models.CharField("利用者", max_length=150, blank=True, default="")
    subject_atena = models.CharField("対象者宛番号", max_length=20, blank=True, default="", db_index=True)
    purpose = models.CharField("事務・目的", max_length=200, blank=True, default="")
    outcome = models.CharField("結果", max_length=16, default="ok")

    # Filled by the database trigger, never by Python.
    chain_seq = models.BigIntegerField(null=True, editable=False, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    row_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta(AbstractLogEntry.Meta):
        abstract = False
        verbose_name = "監査記録"
        verbose_name_plural = "監査記録"
        ordering = ["-chain_seq"]
        permissions = [
            ("view_access_log", "アクセス記録を閲覧できる"),
            ("export_access_log", "アクセス記録を出力できる"),
        ]
        indexes = [models.Index(fields=["timestamp", "event"], name="audit_time_event")]


class ChainAnchor(models.Model):
    """Where the chain starts after a retention purge: the first kept record's sequence and hash."""

    chain_seq = models.BigIntegerField()
    row_hash = models.CharField(max_length=64)
    purged_before = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "監査記録の起点"

    def __str__(self) -> str:
        return f"#{self.chain_seq} {self.row_hash[:12]}"
