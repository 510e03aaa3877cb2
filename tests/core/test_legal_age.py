"""The age convention of japan-reference.md: reaching N months/years is the day before the anniversary,
or the month's last day when the anniversary month has no such day."""

import datetime as dt

import pytest

from core.legal_age import (
    age_months,
    age_years,
    fiscal_year,
    fy_end_age,
    fy_in_which_reaches,
    interval_earliest,
    parse_offset,
    reach_date,
    school_entry_date,
)

D = dt.date


@pytest.mark.parametrize(
    ("birth", "offset", "reached"),
    [
        (D(2025, 7, 30), "2m", D(2025, 9, 29)),  # day before 30 September
        (D(2025, 7, 31), "2m", D(2025, 9, 30)),  # no 31 September: that month's last day
        (D(2025, 12, 31), "2m", D(2026, 2, 28)),  # no 31 February
        (D(2023, 12, 31), "2m", D(2024, 2, 29)),  # leap year: last day is the 29th
        (D(2024, 2, 29), "1y", D(2025, 2, 28)),  # leap-day birth, no 29 February next year
        (D(2024, 3, 1), "1y", D(2025, 2, 28)),  # the day before 1 March
        (D(2024, 2, 29), "4y", D(2028, 2, 28)),  # the anniversary exists: the day before it
        (D(2025, 1, 1), "1y", D(2025, 12, 31)),
        (D(2020, 4, 1), "6y", D(2026, 3, 31)),
        (D(2019, 1, 31), "90m", D(2026, 7, 30)),  # 7歳6か月
        (D(2026, 1, 15), "6w", D(2026, 2, 26)),  # 出生6週0日後 = birth + 42 days
        (D(2026, 1, 15), "14w6d", D(2026, 4, 29)),  # birth + 104 days
    ],
)
def test_reaching_an_age(birth, offset, reached):
    assert reach_date(birth, offset) == reached


def test_age_counts_up_on_the_day_before_the_birthday():
    birth = D(1961, 5, 1)
    assert age_years(birth, D(2026, 4, 29)) == 64
    assert age_years(birth, D(2026, 4, 30)) == 65
    assert age_years(birth, D(2026, 5, 1)) == 65
    # leap-day birth: 65 on 28 February of a common year
    assert age_years(D(1960, 2, 29), D(2025, 2, 27)) == 64
    assert age_years(D(1960, 2, 29), D(2025, 2, 28)) == 65
    assert age_months(D(2025, 7, 31), D(2025, 9, 29)) == 1
    assert age_months(D(2025, 7, 31), D(2025, 9, 30)) == 2


def test_fiscal_year_and_age_at_its_end():
    assert fiscal_year(D(2026, 3, 31)) == 2025
    assert fiscal_year(D(2026, 4, 1)) == 2026
    # 1 April births reach their age on 31 March: they belong to the earlier fiscal year (and school year)
    assert fy_end_age(D(1961, 4, 1), 2025) == 65
    assert fy_end_age(D(1961, 4, 2), 2025) == 64
    assert fy_in_which_reaches(D(2014, 4, 1), 12) == 2025
    assert fy_in_which_reaches(D(2014, 4, 2), 12) == 2026


def test_school_entry_separates_1_april_and_2_april_birthdays():
    assert school_entry_date(D(2020, 4, 1)) == D(2026, 4, 1)
    assert school_entry_date(D(2020, 4, 2)) == D(2027, 4, 1)
    assert school_entry_date(D(2021, 3, 31)) == D(2027, 4, 1)


@pytest.mark.parametrize(
    ("previous", "offset", "earliest"),
    [
        (D(2026, 1, 15), "27d", D(2026, 2, 12)),  # 中27日: the same weekday four weeks later
        (D(2026, 1, 15), "20d", D(2026, 2, 5)),
        (D(2026, 1, 15), "139d", D(2026, 6, 4)),  # 20 weeks later
        (D(2026, 1, 15), "6m", D(2026, 7, 15)),
        (D(2025, 8, 31), "6m", D(2026, 3, 1)),  # no 31 February: the 1st of the next month
        (D(2026, 1, 10), "2m15d", D(2026, 3, 25)),
    ],
)
def test_minimum_intervals(previous, offset, earliest):
    assert interval_earliest(previous, offset) == earliest


def test_bad_offsets_are_refused():
    with pytest.raises(ValueError, match="期間の書き方"):
        parse_offset("2 months")
    with pytest.raises(ValueError, match="期間の書き方"):
        parse_offset("")


def test_birth_range_for_ages_is_the_inverse_of_age_years():
    from core.legal_age import age_years, birth_range_for_ages

    for on in (D(2026, 2, 28), D(2026, 3, 1), D(2028, 2, 28), D(2028, 2, 29), D(2026, 12, 1)):
        first, last = birth_range_for_ages(on, 65, 66)
        assert age_years(first, on) == 66 and age_years(first - dt.timedelta(days=1), on) == 67
        assert age_years(last, on) == 65 and age_years(last + dt.timedelta(days=1), on) == 64
