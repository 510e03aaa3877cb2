"""The schedule rules in tests that flush the database.

Tests with `django_db(transaction=True)` (browser tests, real Celery workers) run after the others and each
one flushes every table on teardown, the schedule rules loaded by migrations included. Such a test that needs
the rules calls `ensure_schedule_rules()` first.
"""

from __future__ import annotations

import importlib


def ensure_schedule_rules() -> None:
    """Load the rules again the way migrations 0003 and 0005 did when the tables are empty, and drop the
    process's cached rule snapshot either way."""
    from django.apps import apps

    from immunization.models import Vaccine
    from immunization.schedule.rules import invalidate

    if not Vaccine.objects.exists():
        importlib.import_module("immunization.migrations.0003_schedule_data").load(apps, None)
        importlib.import_module("immunization.migrations.0005_schedule_per_pregnancy").rsv_once_per_pregnancy(
            apps, None
        )
    invalidate()
