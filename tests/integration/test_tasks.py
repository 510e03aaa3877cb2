"""The scheduled feed job, run by a real Celery worker on the real Redis."""

from __future__ import annotations

import pytest

from integration.models import FeedRun
from integration.tasks import feeds_poll
from residents.models import Resident
from tests.factories.integration import event, newborn, registry_file, status_file

pytest_plugins = ("celery.contrib.pytest",)


@pytest.fixture(scope="session")
def celery_config():
    from django.conf import settings

    return {"broker_url": settings.CELERY_BROKER_URL, "result_backend": settings.CELERY_RESULT_BACKEND}


@pytest.fixture
def inbox(tmp_path, settings):
    settings.INTEGRATION_INBOX = tmp_path
    return tmp_path


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_job_applies_the_days_files_and_sets_rejected_ones_aside(celery_app, celery_worker, inbox):
    (inbox / "registry").mkdir()
    (inbox / "tax").mkdir()
    (inbox / "registry" / "20261125_ido.csv").write_bytes(registry_file([newborn("200000991", 1)]))
    (inbox / "registry" / "20261126_ido.csv").write_bytes(registry_file([event("20", "999999996", 2)]))
    (inbox / "tax" / "20261126_zei.csv").write_bytes(
        status_file(
            "tax", [{"atena_no": "200000991", "fiscal_year": "2026", "tax_class": "1", "household_exempt": "0"}]
        )
    )

    result = feeds_poll.delay().get(timeout=60)

    assert set(result) == {"registry", "tax"}
    assert Resident.objects.filter(atena_no="200000991").exists()
    runs = {r.filename: r for r in FeedRun.objects.all()}
    assert runs["20261125_ido.csv"].status == "succeeded"
    assert runs["20261126_ido.csv"].status == "failed"
    assert runs["20261126_zei.csv"].status == "succeeded"
    assert all(r.trigger == "schedule" for r in runs.values())
    assert len(list((inbox / "registry" / "done").iterdir())) == 1
    assert len(list((inbox / "registry" / "rejected").iterdir())) == 1
    assert not [p for p in (inbox / "registry").iterdir() if p.is_file()]
    # a second poll finds nothing new
    assert feeds_poll.delay().get(timeout=60) == {}
