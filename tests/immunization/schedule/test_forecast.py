"""The forecaster on the real rules (loaded by the 0003 data migration)."""

import datetime as dt

import pytest

from immunization.doses import codes as dose_codes
from immunization.schedule import PastDose, forecast

pytestmark = pytest.mark.django_db
D = dt.date


def fc(birth, on, sex="2", history=(), conditions=frozenset()):
    result = forecast(
        birth_date=birth, sex=sex, history=[PastDose(c, d) for c, d in history], on=on, conditions=conditions
    )
    return {f.code: f for f in result}


def test_one_entry_per_dose_of_every_routine_vaccination():
    result = forecast(birth_date=D(2026, 1, 15), sex="2", history=[], on=D(2026, 4, 1))
    assert [f.code for f in result] == dose_codes()
    codes = set(dose_codes())
    for code in (
        "mr_1",
        "mr_2",
        "bcg",
        "hepb_3",
        "rota1_1",
        "dpt_ipv_hib_1i1",
        "dpt_ipv_hib_1b",
        "varicella_1",
        "je_1i1",
        "hpv9_1",
        "flu_elderly",
        "ppv_elderly",
        "hz_live",
        "hz_rzv_1",
        "rsv_maternal",
    ):
        assert code in codes
    assert {f.status for f in result} <= {"completed", "due", "upcoming", "overdue", "expired", "not_applicable"}
    assert all(f.reason for f in result)


def test_newborn_is_due_for_infant_vaccines_from_reaching_two_months():
    # born 31 July: reaches 2 months on 30 September (no 31 September)
    r = fc(D(2025, 7, 31), D(2025, 9, 29))
    assert r["dpt_ipv_hib_1i1"].status == "upcoming"
    assert r["dpt_ipv_hib_1i1"].earliest == D(2025, 9, 30)
    assert r["dpt_ipv_hib_1i1"].latest == D(2033, 1, 30)  # 生後90月に至るまで
    r = fc(D(2025, 7, 31), D(2025, 9, 30))
    assert r["dpt_ipv_hib_1i1"].status == "due"
    # later doses are projected from the first: 1期初回2回目 20 days after, counted from the next day
    assert r["dpt_ipv_hib_1i2"].status == "upcoming"
    assert r["dpt_ipv_hib_1i2"].earliest == D(2025, 10, 21)
    # 4種混合 and single Hib are not started any more since 5種混合 (April 2024)
    assert r["dpt_ipv_1i1"].status == "not_applicable"
    assert r["hib_1i1"].status == "not_applicable"


def test_rota_windows_are_counted_in_weeks():
    r = fc(D(2026, 1, 15), D(2026, 2, 25))
    assert r["rota1_1"].status == "upcoming"
    assert r["rota1_1"].earliest == D(2026, 2, 26)  # 出生6週0日後
    assert r["rota1_1"].latest == D(2026, 7, 2)  # 24週0日後
    assert r["rota5_1"].latest == D(2026, 8, 27)  # 32週0日後
    # once 1価 is started, 5価 is not an option: same product throughout
    r = fc(D(2026, 1, 15), D(2026, 4, 1), history=[("rota1_1", D(2026, 3, 20))])
    assert r["rota5_1"].status == "not_applicable"
    assert r["rota1_2"].earliest == D(2026, 4, 17)


def test_hib_dose_count_depends_on_age_at_first_dose():
    birth = D(2023, 1, 10)  # 4種混合+ヒブ era: started before April 2024
    # first dose at 3 months: 初回3回 + 追加
    r = fc(birth, D(2023, 5, 20), history=[("hib_1i1", D(2023, 4, 20))])
    assert [r[c].status for c in ("hib_1i2", "hib_1i3", "hib_1b")] == ["due", "upcoming", "upcoming"]
    # first dose at 8 months: 初回2回 + 追加; the 3rd initial dose is not needed
    r = fc(birth, D(2023, 9, 20), history=[("hib_1i1", D(2023, 9, 15))])
    assert r["hib_1i3"].status == "not_applicable"
    assert "生後7〜12月に開始" in r["hib_1i3"].reason
    assert r["hib_1i2"].latest == D(2024, 1, 9)  # 初回は生後12月に至るまで
    # first dose at 2 years: one dose only
    r = fc(birth, D(2025, 1, 20), history=[("hib_1i1", D(2025, 1, 15))])
    assert {r[c].status for c in ("hib_1i2", "hib_1i3", "hib_1b")} == {"not_applicable"}
    # started with 4種混合+ヒブ: 5種混合 is not used to finish
    assert r["dpt_ipv_hib_1i1"].status == "not_applicable"
    assert "同じワクチンで完了" in r["dpt_ipv_hib_1i1"].reason


def test_hib_initial_doses_after_12_months_are_skipped_and_booster_follows_27_days_later():
    birth = D(2023, 1, 10)
    r = fc(birth, D(2024, 1, 20), history=[("hib_1i1", D(2023, 4, 20)), ("hib_1i2", D(2023, 6, 1))])
    assert r["hib_1i3"].status == "not_applicable"
    assert "12か月に至るまで" in r["hib_1i3"].reason
    # not 7 months after the 2nd: 27 days after it, and only once the 3rd is dropped (after reaching 12 months)
    assert r["hib_1b"].earliest == D(2024, 1, 10)
    assert r["hib_1b"].status == "due"


def test_pneumococcal_dose_count_depends_on_age_at_first_dose():
    birth = D(2025, 1, 10)
    r = fc(birth, D(2025, 4, 1), history=[])
    assert [r[c].status for c in ("pcv_1i1", "pcv_1i2", "pcv_1i3", "pcv_1b")] == [
        "due",
        "upcoming",
        "upcoming",
        "upcoming",
    ]
    assert r["pcv_1b"].earliest == D(2026, 1, 9)  # 追加: after reaching 12 months
    # started at 13 months: two doses, 60 days apart
    r = fc(birth, D(2026, 2, 20), history=[("pcv_1i1", D(2026, 2, 15))])
    assert r["pcv_1i2"].status == r["pcv_1i3"].status == "not_applicable"
    assert r["pcv_1b"].earliest == D(2026, 4, 17)
    # started at 3 years: one dose
    r = fc(birth, D(2028, 2, 20), history=[("pcv_1i1", D(2028, 2, 15))])
    assert {r[c].status for c in ("pcv_1i2", "pcv_1i3", "pcv_1b")} == {"not_applicable"}
    # 2nd initial dose after 12 months: no 3rd
    r = fc(birth, D(2026, 2, 20), history=[("pcv_1i1", D(2025, 4, 15)), ("pcv_1i2", D(2026, 1, 25))])
    assert r["pcv_1i3"].status == "not_applicable"
    assert r["pcv_1b"].earliest == D(2026, 3, 27)


def test_hpv9_two_doses_when_started_before_15_three_otherwise():
    # started at 14: two doses, the 2nd at least 5 months later
    r = fc(D(2012, 5, 1), D(2026, 6, 1), history=[("hpv9_1", D(2026, 5, 1))])
    assert r["hpv9_2"].earliest == D(2026, 10, 1)
    assert r["hpv9_3"].status == "not_applicable"
    assert "2回" in r["hpv9_3"].reason
    assert r["hpv2_1"].status == "not_applicable"  # same product throughout
    # started the day after reaching 15: three doses
    birth = D(2010, 5, 1)  # reaches 15 on 2025-04-30
    r = fc(birth, D(2025, 6, 1), history=[("hpv9_1", D(2025, 5, 1))])
    assert r["hpv9_2"].earliest == D(2025, 6, 1)
    assert r["hpv9_3"].status == "upcoming"
    r = fc(birth, D(2025, 6, 1), history=[("hpv9_1", D(2025, 4, 30))])
    assert r["hpv9_3"].status == "not_applicable"
    # a 2nd dose at 2 months makes it the 3-dose course even when started young
    r = fc(D(2012, 5, 1), D(2026, 8, 1), history=[("hpv9_1", D(2026, 5, 1)), ("hpv9_2", D(2026, 7, 1))])
    assert r["hpv9_3"].status == "upcoming"
    assert r["hpv9_3"].earliest == D(2026, 10, 1)


def test_hpv_only_for_girls_in_school_years_6_to_10():
    r = fc(D(2014, 4, 1), D(2025, 4, 1))  # reaches 12 on 31 March 2026: FY2025 is her 小6 year
    assert r["hpv9_1"].status == "due"
    assert r["hpv9_1"].earliest == D(2025, 4, 1)
    assert r["hpv9_1"].latest == D(2030, 3, 31)
    r = fc(D(2014, 4, 2), D(2025, 4, 1))
    assert r["hpv9_1"].status == "upcoming"
    assert r["hpv9_1"].earliest == D(2026, 4, 1)
    boy = fc(D(2014, 4, 1), D(2025, 4, 1), sex="1")
    assert boy["hpv9_1"].status == "not_applicable"
    assert "女性のみ" in boy["hpv9_1"].reason


def test_hpv_catch_up_completion_ended_march_2026():
    born = D(2000, 6, 1)
    history = [("hpv9_1", D(2024, 10, 1))]
    r = fc(born, D(2025, 6, 1), history=history)
    assert r["hpv9_2"].status == "overdue"
    assert r["hpv9_2"].latest == D(2026, 3, 31)
    r = fc(born, D(2026, 4, 1), history=history)
    assert r["hpv9_2"].status == "expired"
    # not started during the catch-up: no routine dose in FY2025
    r = fc(born, D(2025, 6, 1))
    assert r["hpv9_1"].status == "expired"


def test_mr_second_dose_is_the_school_year_before_elementary_school():
    r = fc(D(2020, 4, 1), D(2025, 4, 1))  # enters school 1 April 2026
    assert r["mr_2"].status == "due"
    assert (r["mr_2"].earliest, r["mr_2"].latest) == (D(2025, 4, 1), D(2026, 3, 31))
    r = fc(D(2020, 4, 2), D(2025, 4, 1))  # one school year later
    assert r["mr_2"].status == "upcoming"
    assert (r["mr_2"].earliest, r["mr_2"].latest) == (D(2026, 4, 1), D(2027, 3, 31))
    r = fc(D(2020, 4, 1), D(2026, 4, 1))
    assert r["mr_2"].status == "expired"


def test_mr_supply_shortage_extension_until_march_2027():
    # 1期 cohort of FY2024 (born 2022-04-02 … 2023-04-01): regular window ended, extension to 2027-03-31
    r = fc(D(2022, 6, 1), D(2026, 5, 1))
    assert r["mr_1"].status == "overdue"
    assert r["mr_1"].latest == D(2027, 3, 31)
    assert "特例" in r["mr_1"].reason
    r = fc(D(2022, 6, 1), D(2027, 4, 1))
    assert r["mr_1"].status == "expired"
    r = fc(D(2021, 6, 1), D(2026, 5, 1))  # not in the FY2024 cohort
    assert r["mr_1"].status == "expired"


def test_injectable_live_vaccines_need_27_days_between_them():
    birth = D(2025, 1, 10)
    r = fc(birth, D(2026, 1, 20), history=[("mr_1", D(2026, 1, 15))])
    assert r["varicella_1"].status == "upcoming"
    assert r["varicella_1"].earliest == D(2026, 2, 12)
    assert "中27日" in r["varicella_1"].reason
    # an inactivated vaccine is not held up by it
    assert r["pcv_1i1"].status in ("due", "overdue")
    # the same day as the live vaccine is fine (同時接種)
    r = fc(birth, D(2026, 1, 15), history=[("mr_1", D(2026, 1, 15))])
    assert r["varicella_1"].status == "due"


def test_zoster_transitional_cohorts_by_age_at_fiscal_year_end():
    # reaches 70 on 1 April 2025: FY2025 cohort
    r = fc(D(1955, 4, 2), D(2025, 7, 1), sex="1")
    assert r["hz_live"].status == "due"
    assert (r["hz_live"].earliest, r["hz_live"].latest) == (D(2025, 4, 1), D(2026, 3, 31))
    assert r["hz_rzv_1"].status == "due"
    # born one day earlier: was 70 in FY2024, before zoster became routine; next chance at 75 in FY2029
    r = fc(D(1955, 4, 1), D(2025, 7, 1), sex="1")
    assert r["hz_live"].status == "upcoming"
    assert r["hz_live"].earliest == D(2029, 4, 1)
    # 71 in FY2025: not a cohort this year
    r = fc(D(1954, 9, 1), D(2025, 7, 1))
    assert r["hz_live"].status == "upcoming"
    # 101 in FY2025: everyone aged 100 or more, that year only
    r = fc(D(1924, 9, 1), D(2025, 7, 1))
    assert r["hz_live"].status == "due"
    r = fc(D(1924, 9, 1), D(2026, 7, 1))
    assert r["hz_live"].status == "expired"
    # 65 in FY2026 (the regular cohort), and recombinant 2nd dose two months after the 1st
    r = fc(D(1961, 10, 1), D(2026, 6, 1), history=[("hz_rzv_1", D(2026, 5, 10))])
    assert r["hz_live"].status == "not_applicable"
    assert r["hz_rzv_2"].earliest == D(2026, 7, 10)
    assert r["hz_rzv_2"].latest == D(2027, 3, 31)


def test_60_to_64_need_a_qualifying_disability():
    r = fc(D(1963, 5, 1), D(2026, 10, 15))
    assert r["flu_elderly"].status in ("not_applicable", "upcoming")
    assert r["flu_elderly"].status != "due"
    r = fc(D(1963, 5, 1), D(2026, 10, 15), conditions={"disability_1"})
    assert r["flu_elderly"].status == "due"
    assert r["ppv_elderly"].status == "due"


def test_elderly_influenza_once_per_fiscal_year_in_season():
    birth = D(1950, 9, 1)
    r = fc(birth, D(2026, 7, 1))
    assert r["flu_elderly"].status == "upcoming"
    assert (r["flu_elderly"].earliest, r["flu_elderly"].latest) == (D(2026, 10, 1), D(2027, 1, 31))
    r = fc(birth, D(2026, 11, 1), history=[("flu_elderly", D(2026, 10, 20))])
    assert r["flu_elderly"].status == "completed"
    r = fc(birth, D(2027, 1, 15))
    assert r["flu_elderly"].status == "overdue"  # past the recommended December, within the city's period


def test_elderly_pneumococcal_rules_by_date():
    # 2026: "65歳の者" — the year from reaching 65
    r = fc(D(1961, 5, 1), D(2026, 7, 1))
    assert r["ppv_elderly"].status == "due"
    assert (r["ppv_elderly"].earliest, r["ppv_elderly"].latest) == (D(2026, 4, 30), D(2027, 4, 29))
    # 2019: the transitional cohort of those reaching 70 in FY2019
    r = fc(D(1949, 10, 1), D(2019, 7, 1))
    assert r["ppv_elderly"].status == "due"
    assert r["ppv_elderly"].latest == D(2020, 3, 31)
    # the same person in 2026: no catch-up any more
    assert fc(D(1949, 10, 1), D(2026, 7, 1))["ppv_elderly"].status == "expired"


def test_rules_of_2019_differ_from_2026():
    birth = D(2019, 1, 10)
    r = fc(birth, D(2019, 4, 1))
    # no 5種混合 yet; 4種混合 from 3 months; rota not routine
    assert r["dpt_ipv_hib_1i1"].status != "due"
    assert r["dpt_ipv_1i1"].status == "upcoming"
    assert r["dpt_ipv_1i1"].earliest == D(2019, 4, 9)  # 生後3月 (2 months only from April 2023)
    assert r["rota1_1"].status == "not_applicable"
    assert r["hib_1i1"].status == "due"
    # before October 2020 an inactivated vaccine held every other one for 6 days
    r = fc(birth, D(2019, 4, 12), history=[("hib_1i1", D(2019, 4, 10))])
    assert r["pcv_1i1"].earliest == D(2019, 4, 17)
    r = fc(D(2025, 1, 10), D(2025, 4, 12), history=[("hib_1i1", D(2025, 4, 10))])
    assert r["pcv_1i1"].earliest <= D(2025, 4, 12)


def test_completed_and_date_unknown_doses():
    r = fc(D(2025, 1, 10), D(2026, 1, 20), history=[("bcg", None), ("mr_1", D(2026, 1, 12))])
    assert r["bcg"].status == "completed"
    assert "日不明" in r["bcg"].reason
    assert r["mr_1"].status == "completed"
    assert r["mr_1"].earliest is None


def test_rsv_maternal_cannot_be_judged_from_a_birth_date():
    r = fc(D(1995, 5, 1), D(2026, 5, 1))
    assert r["rsv_maternal"].status == "not_applicable"
    assert "妊娠" in r["rsv_maternal"].reason


def test_sex_may_be_given_as_register_code_or_letter():
    for girl in ("2", "F", "女"):
        assert fc(D(2014, 4, 1), D(2025, 4, 1), sex=girl)["hpv9_1"].status == "due"
    for boy in ("1", "M", "男"):
        assert fc(D(2014, 4, 1), D(2025, 4, 1), sex=boy)["hpv9_1"].status == "not_applicable"


def test_a_dose_of_another_product_is_still_shown_as_given():
    r = fc(D(2012, 5, 1), D(2026, 8, 1), history=[("hpv9_1", D(2026, 5, 1)), ("hpv4_2", D(2026, 7, 1))])
    assert r["hpv4_2"].status == "completed"
    assert "HPV 9価(シルガード9)で接種を始めている" in r["hpv4_2"].reason
    assert r["hpv4_1"].status == "not_applicable"
