from __future__ import annotations

import pytest

from accounts import roles
from integration.simulator import national
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory, give_mynumber, valid_mynumber


@pytest.fixture
def sim():
    return national()


@pytest.fixture
def numbered_resident():
    """make(seed, **fields) -> (resident with a My Number, the plain number)."""

    def make(seed: int, **fields):
        resident = ResidentFactory(**fields)
        number = valid_mynumber(seed)
        give_mynumber(resident, number)
        return resident, number

    return make


@pytest.fixture
def mynumber_staff(db):
    return StaffFactory(roles=[roles.MYNUMBER])


@pytest.fixture
def relief_staff(db):
    return StaffFactory(roles=[roles.RELIEF])


@pytest.fixture
def clerk(db):
    return StaffFactory(roles=[roles.CLERK])


@pytest.fixture
def supervisor(db):
    return StaffFactory(roles=[roles.SUPERVISOR])
