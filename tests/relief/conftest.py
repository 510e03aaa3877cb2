from __future__ import annotations

import pytest

from accounts import roles
from core.origin import Origin
from tests.relief import fake_adapter

# what the services are told about where a test's call comes from (views build it from the request)
ORIGIN = Origin(ip="127.0.0.1")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Every relief test writes its files into its own folder (never the project's var/)."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return tmp_path / "private" / "relief"


@pytest.fixture
def fake_accounts(settings):
    settings.ADAPTERS = {**settings.ADAPTERS, "PUBLIC_FUNDS_ACCOUNT": "tests.relief.fake_adapter.lookup"}
    fake_adapter.CALLS.clear()
    fake_adapter.ACCOUNTS.clear()
    return fake_adapter


@pytest.fixture
def worker(staff_client):
    return staff_client(roles.RELIEF)


@pytest.fixture
def other_worker(staff_client):
    return staff_client(roles.RELIEF)


@pytest.fixture
def lead(staff_client):
    return staff_client(roles.RELIEF_LEAD)


def stored_files(root) -> list:  # type: ignore[no-untyped-def]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
