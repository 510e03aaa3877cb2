from __future__ import annotations

import datetime

import pytest

from core.origin import Origin
from tests.factories.accounts import StaffFactory
from tests.factories.residents import HouseholdFactory, ResidentFactory, StatusFactory

REF = datetime.date(2026, 10, 1)  # the FY2026 season's reference date; tax year FY2026
# services called directly, as a job would call them (no web request behind them)
ORIGIN = Origin.batch()


@pytest.fixture
def clerk(db):
    from accounts import roles

    return StaffFactory(roles=[roles.CLERK])


@pytest.fixture
def elder():
    """elder(tax="非課税", household=None, **resident fields) -> a 70-year-old with a FY2026 tax row."""

    def make(tax: str | None = "非課税", household=None, **kwargs):
        kwargs.setdefault("birth_date", datetime.date(1956, 5, 5))
        r = ResidentFactory(household=household or HouseholdFactory(), **kwargs)
        if tax:
            StatusFactory(resident=r, kind="tax", code=tax, fiscal_year=2026)
        return r

    return make
