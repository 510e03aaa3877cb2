from __future__ import annotations

import pytest
from django.test import Client

from accounts import roles
from tests.factories.accounts import StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's cost is for attackers, not for the suite: every factory-made account hashes a password
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_audit_seals(settings, tmp_path):
    # the seal file belongs to one database: a test must never read the development database's seals
    settings.AUDIT_SEAL_PATH = tmp_path / "audit-seals.log"


@pytest.fixture(autouse=True)
def _roles(db):
    roles.sync_roles()


@pytest.fixture
def staff_client():
    """staff_client(role, ...) -> (client logged in as a new staff member with those roles, staff)."""

    def make(*role_names: str, **kwargs) -> tuple[Client, object]:
        staff = StaffFactory(roles=list(role_names), **kwargs)
        client = Client()
        client.force_login(staff, backend="accounts.backends.StaffBackend")
        return client, staff

    return make
