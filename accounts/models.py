"""Staff accounts. Roles are Django groups (see roles.py); contractors are ordinary accounts with an expiry."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Staff(AbstractUser):
    display_name = models.CharField("氏名", max_length=100, blank=True)
    section = models.CharField("所属", max_length=100, blank=True, default="ワクチン接種推進室")
    is_contractor = models.BooleanField("委託事業者", default=False)
    account_expires_on = models.DateField(
        "利用期限", null=True, blank=True, help_text="委託事業者は必須。この日を過ぎるとログインできません。"
    )

    class Meta:
        verbose_name = "職員"
        verbose_name_plural = "職員"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_contractor=False) | models.Q(account_expires_on__isnull=False),
                name="contractor_has_expiry",
                violation_error_message="委託事業者には利用期限が必要です。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name or self.username} ({self.username})"

    def is_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.account_expires_on is not None and today > self.account_expires_on


class RightsReview(models.Model):
    """A periodic review of who holds which rights (PIA III-3 R2), with the table as it stood."""

    reviewed_at = models.DateTimeField("確認日時", default=timezone.now)
    reviewer = models.ForeignKey(Staff, on_delete=models.PROTECT, verbose_name="確認者", related_name="+")
    note = models.TextField("所見", blank=True)
    snapshot = models.JSONField("権限一覧(確認時点)", default=list, editable=False)

    class Meta:
        verbose_name = "権限の定期確認"
        verbose_name_plural = "権限の定期確認"
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.reviewed_at:%Y-%m-%d} {self.reviewer}"
