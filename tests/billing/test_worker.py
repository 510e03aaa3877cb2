"""The season decision as a real batch: a Celery worker process on the real Redis runs it."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

from billing import services
from billing.models import CopaymentDecision, DecisionRun
from billing.tasks import decision_run_task
from tests.factories.accounts import StaffFactory
from tests.factories.billing import ConsentFactory, reload_migration_reference_data
from tests.factories.residents import ResidentFactory, StatusFactory


@pytest.fixture(scope="module", autouse=True)
def _migrated_reference_data_back(django_db_blocker):
    """Module scope, so it runs after the flush that ends this module's transactional test."""
    yield
    with django_db_blocker.unblock():
        reload_migration_reference_data()


@pytest.fixture
def worker_queue():
    """A worker subprocess on the test database, listening on a queue of its own."""
    queue = f"billing-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "okazaki_vax",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        yield queue
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_season_run_is_done_by_a_worker_and_a_second_delivery_changes_nothing(worker_queue):
    from accounts import roles

    roles.sync_roles()
    clerk = StaffFactory()
    people = []
    for code in ("非課税", "課税", "非課税"):
        r = ResidentFactory(birth_date=datetime.date(1955, 7, 7))
        StatusFactory(resident=r, kind="tax", code=code, fiscal_year=2026)
        ConsentFactory(resident=r)
        people.append(r)
    run = services.decision_run_create(
        kind=DecisionRun.Kind.SEASON,
        vaccine="flu_elderly",
        fiscal_year=2026,
        reference_date=datetime.date(2026, 10, 1),
        actor=clerk,
    )

    result = decision_run_task.apply_async(args=[run.pk], queue=worker_queue).get(timeout=120)
    assert result == {"targets": 3, "created": 3}
    run.refresh_from_db()
    assert run.state == "done"
    assert run.exempt == 2
    # redelivered (acks_late): the run is claimed by compare-and-set, nothing is decided twice
    again = decision_run_task.apply_async(args=[run.pk], queue=worker_queue).get(timeout=120)
    assert again == {"targets": 3, "created": 3}
    assert CopaymentDecision.objects.count() == 3
