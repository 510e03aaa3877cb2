"""The rules are data: a changed row changes the answer (the cached snapshot is dropped), and the bench
figure is produced from residents of the database."""

import datetime as dt
import io

import pytest

from immunization.models import Dose, EligibilityWindow
from immunization.schedule import forecast
from immunization.schedule.rules import invalidate
from ops.bench import schedule as bench
from tests.factories.residents import ResidentFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def fresh_rules():
    invalidate()
    yield
    invalidate()  # the test's changes are rolled back: do not keep a snapshot of them


def status(code, birth, on):
    return next(f for f in forecast(birth_date=birth, sex="1", history=[], on=on) if f.code == code)


def test_a_changed_window_changes_the_forecast_at_once(fresh_rules):
    birth, on = D(2025, 1, 10), D(2026, 6, 1)
    assert status("bcg", birth, on).status == "expired"
    window = EligibilityWindow.objects.get(dose__code="bcg", valid_from=D(2013, 4, 1))
    window.to_age = "2y"
    window.save()
    changed = status("bcg", birth, on)
    assert changed.status == "overdue"  # within the (edited) legal window, past the standard 5–8 months
    assert changed.latest == D(2027, 1, 9)


def test_every_reference_code_is_in_the_tables():
    codes = set(Dose.objects.values_list("code", flat=True))
    expected = {
        *(f"dpt_ipv_hib_1i{i}" for i in (1, 2, 3)),
        "dpt_ipv_hib_1b",
        *(f"dpt_ipv_1i{i}" for i in (1, 2, 3)),
        "dpt_ipv_1b",
        *(f"hib_1i{i}" for i in (1, 2, 3)),
        "hib_1b",
        *(f"pcv_1i{i}" for i in (1, 2, 3)),
        "pcv_1b",
        "dt_2",
        "hepb_1",
        "hepb_2",
        "hepb_3",
        "rota1_1",
        "rota1_2",
        "rota5_1",
        "rota5_2",
        "rota5_3",
        "bcg",
        "mr_1",
        "mr_2",
        "varicella_1",
        "varicella_2",
        "je_1i1",
        "je_1i2",
        "je_1b",
        "je_2",
        *(f"hpv{v}_{i}" for v in (2, 4, 9) for i in (1, 2, 3)),
        "rsv_maternal",
        "rubella_5",
        "flu_elderly",
        "covid_elderly",
        "ppv_elderly",
        "hz_live",
        "hz_rzv_1",
        "hz_rzv_2",
    }
    assert codes == expected


def test_bench_reports_forecast_p95_for_residents():
    for year in (1950, 1990, 2024, 2025):
        ResidentFactory(birth_date=D(year, 5, 1))
    out = io.StringIO()
    figures = bench.run(scale=4, stdout=out)
    assert set(figures) == {"forecast_p95_ms"}
    assert 0 < figures["forecast_p95_ms"] < 1000
    assert "4 residents" in out.getvalue()
