"""cohorts: the birth-date ranges within a dose's legal or standard window on a day (notice extraction)."""

import datetime as dt

import pytest

from immunization.schedule import cohort_window, cohort_windows, forecast, standard_window

pytestmark = pytest.mark.django_db
D = dt.date


def test_cohort_windows_for_target_extraction():
    on = D(2026, 4, 1)
    assert cohort_window("mr_1", on) == (D(2024, 4, 2), D(2025, 4, 2))
    assert cohort_window("mr_2", on) == (D(2020, 4, 2), D(2021, 4, 1))
    assert cohort_window("hz_live", on) == (D(1961, 4, 2), D(1962, 4, 1))
    assert cohort_window("hpv9_1", on) == (D(2010, 4, 2), D(2015, 4, 1))
    assert cohort_window("flu_elderly", D(2026, 7, 1)) is None  # outside the season
    assert cohort_window("flu_elderly", D(2026, 10, 1))[1] == D(1961, 10, 2)
    assert cohort_window("hz_live", D(2024, 4, 1)) is None  # before zoster became routine
    labels = {label: (lo, hi) for label, lo, hi, _cond in cohort_windows("hz_live", D(2025, 4, 1))}
    assert labels["経過措置(令和7〜11年度)(70歳)"] == (D(1955, 4, 2), D(1956, 4, 1))
    assert standard_window("bcg", on) == (D(2025, 8, 2), D(2025, 11, 2))
    assert standard_window("hpv9_1", on) == (D(2013, 4, 2), D(2014, 4, 1))  # 中1


def test_cohort_window_agrees_with_the_forecast():
    on = D(2026, 6, 15)
    lo, hi = cohort_window("varicella_1", on)
    for birth, inside in [
        (lo, True),
        (hi, True),
        (lo - dt.timedelta(days=1), False),
        (hi + dt.timedelta(days=1), False),
    ]:
        f = next(f for f in forecast(birth_date=birth, sex="1", history=[], on=on) if f.code == "varicella_1")
        assert (f.status in ("due", "overdue")) is inside, (birth, f.status)
