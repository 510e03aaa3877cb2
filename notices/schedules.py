"""Recurring notice batches, kept as django-celery-beat PeriodicTasks so the administrator edits them in the
console (time, enabled, the batch definition in kwargs). Created disabled: a city decides which to run.

Each runs notices.tasks.scheduled_batch: the batch is created and extracted on the day, and waits for staff to
confirm it on the batch screen (set "auto_run": true to confirm and print unattended)."""

from __future__ import annotations

import json
from typing import Any

DEFAULTS: list[dict[str, Any]] = [
    {
        "name": "未接種勧奨はがき MR 1期(毎月1日)",
        "cron": {"minute": "0", "hour": "6", "day_of_month": "1"},
        "kwargs": {
            "kind": "reminder",
            "vaccine_code": "mr",
            "dose_codes": ["mr_1"],
            "cohort": "overdue",
            "notified_within_days": 60,
        },
    },
    {
        "name": "未接種勧奨はがき MR 2期(毎月1日)",
        "cron": {"minute": "10", "hour": "6", "day_of_month": "1"},
        "kwargs": {
            "kind": "reminder",
            "vaccine_code": "mr",
            "dose_codes": ["mr_2"],
            "cohort": "legal",
            "notified_within_days": 60,
        },
    },
    {
        "name": "転入者調査票(毎週月曜)",
        "cron": {"minute": "0", "hour": "7", "day_of_week": "1"},
        "kwargs": {
            "kind": "survey",
            "vaccine_code": "",
            "dose_codes": [],
            "cohort": "movein",
            "movein_days": 7,
            "age_from": 0,
            "age_to": 15,
        },
    },
]


def ensure_defaults(periodic_task: Any, crontab: Any) -> None:
    """Create the default schedules that do not exist yet (never resets what the administrator changed)."""
    for item in DEFAULTS:
        if periodic_task.objects.filter(name=item["name"]).exists():
            continue
        cron, _ = crontab.objects.get_or_create(
            minute=item["cron"].get("minute", "0"),
            hour=item["cron"].get("hour", "*"),
            day_of_week=item["cron"].get("day_of_week", "*"),
            day_of_month=item["cron"].get("day_of_month", "*"),
            month_of_year="*",
            timezone="Asia/Tokyo",
        )
        periodic_task.objects.create(
            name=item["name"],
            task="notices.tasks.scheduled_batch",
            crontab=cron,
            kwargs=json.dumps(item["kwargs"], ensure_ascii=False),
            enabled=False,
            description="通知バッチの定期作成(抽出まで。確定は画面で)",
        )
