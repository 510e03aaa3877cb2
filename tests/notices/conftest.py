from __future__ import annotations

import datetime

import pytest

from tests.factories.residents import ResidentFactory, StatusFactory

ON = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def elder():
    """elder(**kw) -> a resident aged 70 on ON (registered in Okazaki unless told otherwise)."""
    counter = iter(range(1, 10_000))

    def make(**kw):  # type: ignore[no-untyped-def]
        n = next(counter)
        base = {
            "name": f"岡崎　花子{n}",
            "name_kana": f"オカザキ　ハナコ{n}",
            "sex": "2",
            "birth_date": datetime.date(1956, 5, n % 28 + 1),
            "postal_code": f"44400{n % 90 + 10:02d}",
            "address": f"愛知県岡崎市康生町{n}丁目{n + 2}番地{n + 4}",
        }
        base.update(kw)
        return ResidentFactory(**base)

    return make


def dv_status(resident, *, address="愛知県岡崎市十王町2丁目9番地 岡崎市役所 福祉総務課気付", postal_code="4440001"):  # type: ignore[no-untyped-def]
    detail = {"label": "支援措置", "postal_code": postal_code, "address": address} if address else {"label": "支援措置"}
    return StatusFactory(
        resident=resident,
        kind="dv",
        code="支援対象",
        fiscal_year=None,
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2028, 1, 1),
        detail=detail,
    )


def mailing_status(resident, *, address="愛知県岡崎市欠町字清水田5番地 親族方", postal_code="4440011"):  # type: ignore[no-untyped-def]
    return StatusFactory(
        resident=resident,
        kind="mailing",
        code="送付先あり",
        fiscal_year=None,
        valid_from=datetime.date(2026, 1, 1),
        valid_to=None,
        detail={"label": "共通送付先", "postal_code": postal_code, "address": address},
    )


@pytest.fixture(autouse=True)
def _reference_data(db):
    """Data the migrations load (the schedule tables, the default beat schedules) is wiped by any
    transactional test's flush earlier in the session (the browser and worker tests); put it back."""
    import importlib

    from django.apps import apps
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    from immunization.models import Vaccine
    from immunization.schedule.rules import invalidate
    from notices import schedules

    if not Vaccine.objects.exists():
        importlib.import_module("immunization.migrations.0003_schedule_data").load(apps, None)
        importlib.import_module("immunization.migrations.0005_schedule_per_pregnancy").rsv_once_per_pregnancy(
            apps, None
        )
        invalidate()  # the rules cache is per process
    schedules.ensure_defaults(PeriodicTask, CrontabSchedule)
