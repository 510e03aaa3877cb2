"""check_dose: what the records part flags when a keyed dose breaks an age, interval or count rule."""

import datetime as dt

import pytest

from immunization import doses
from immunization.schedule import PastDose, check_dose

pytestmark = pytest.mark.django_db
D = dt.date


def check(birth, code, given_on, history=(), sex="1", conditions=frozenset()):
    return check_dose(
        birth_date=birth,
        sex=sex,
        history=[PastDose(c, d) for c, d in history],
        code=code,
        given_on=given_on,
        conditions=conditions,
    )


def test_a_valid_routine_dose_has_no_problems():
    assert check(D(2025, 7, 31), "dpt_ipv_hib_1i1", D(2025, 9, 30)) == []
    assert check(D(2025, 7, 31), "dpt_ipv_hib_1i2", D(2025, 10, 21), [("dpt_ipv_hib_1i1", D(2025, 9, 30))]) == []
    # the history may already contain the dose being checked
    assert check(D(2025, 7, 31), "dpt_ipv_hib_1i1", D(2025, 9, 30), [("dpt_ipv_hib_1i1", D(2025, 9, 30))]) == []


def test_too_young_by_one_day():
    problems = check(D(2025, 7, 31), "dpt_ipv_hib_1i1", D(2025, 9, 29))
    assert len(problems) == 1
    assert "対象期間外" in problems[0]


def test_interval_too_short():
    problems = check(D(2025, 7, 31), "dpt_ipv_hib_1i2", D(2025, 10, 20), [("dpt_ipv_hib_1i1", D(2025, 9, 30))])
    assert len(problems) == 1
    assert "20日以上" in problems[0]
    assert "令和7年10月21日以降" in problems[0]


def test_27_day_rule_between_injectable_live_vaccines():
    history = [("mr_1", D(2026, 1, 15))]
    problems = check(D(2025, 1, 10), "varicella_1", D(2026, 2, 11), history)
    assert len(problems) == 1
    assert "中27日" in problems[0]
    assert check(D(2025, 1, 10), "varicella_1", D(2026, 2, 12), history) == []
    assert check(D(2025, 1, 10), "varicella_1", D(2026, 1, 15), history) == []  # same day
    # oral rota vaccine is live but not injectable: no wait since October 2020
    assert check(D(2025, 1, 10), "pcv_1i1", D(2025, 4, 1), [("rota1_1", D(2025, 3, 25))]) == []


def test_too_many_doses():
    problems = check(D(2025, 1, 10), "bcg", D(2025, 8, 1), [("bcg", D(2025, 6, 1))])
    assert problems == ["BCG 1回はすでに令和7年6月1日接種済みです(回数超過)。"]
    problems = check(D(1950, 1, 10), "flu_elderly", D(2026, 12, 1), [("flu_elderly", D(2026, 10, 20))])
    assert "今年度すでに" in problems[0]
    # the next fiscal year is a new dose
    assert check(D(1950, 1, 10), "flu_elderly", D(2027, 10, 2), [("flu_elderly", D(2026, 10, 20))]) == []


def test_dose_not_in_the_plan_for_the_age_at_first_dose():
    problems = check(D(2025, 1, 10), "pcv_1i2", D(2026, 3, 20), [("pcv_1i1", D(2026, 2, 15))])
    assert problems
    assert "不要" in problems[0]


def test_other_product_already_started_and_wrong_sex():
    problems = check(D(2012, 5, 1), "hpv4_2", D(2026, 7, 1), [("hpv9_1", D(2026, 5, 1))], sex="2")
    assert "同じワクチンで完了" in problems[0]
    problems = check(D(2012, 5, 1), "hpv9_1", D(2026, 7, 1), sex="1")
    assert "女性のみ" in problems[0]


def test_unknown_code_and_date_before_birth():
    assert check(D(2025, 1, 10), "mmr_1", D(2026, 2, 1)) == ["接種コード「mmr_1」は定期接種の区分にありません。"]
    assert check(D(2025, 1, 10), "bcg", D(2025, 1, 9)) == ["接種日が生年月日より前です。"]


def test_a_2019_dose_is_judged_by_2019_rules():
    # 4種混合 started at 2 months: too young in 2019 (3 months then), valid in 2025
    assert check(D(2019, 1, 10), "dpt_ipv_1i1", D(2019, 3, 20))
    assert check(D(2023, 1, 10), "dpt_ipv_1i1", D(2023, 4, 20)) == []
    # 6 days after any inactivated vaccine before October 2020
    problems = check(D(2019, 1, 10), "pcv_1i1", D(2019, 4, 15), [("hib_1i1", D(2019, 4, 10))])
    assert "中6日" in problems[0]
    assert check(D(2023, 1, 10), "pcv_1i1", D(2023, 4, 15), [("hib_1i1", D(2023, 4, 10))]) == []
    # zoster was not routine in 2024
    assert check(D(1959, 6, 1), "hz_live", D(2024, 6, 1))


def test_lookups():
    assert doses.vaccine_class("flu_elderly") == "B"
    assert doses.vaccine_class("mr_1") == "A"
    assert doses.get("dpt_ipv_hib_1b").vaccine == "dpt_ipv_hib"
    assert doses.label("mr_2") == "MR(麻しん風しん) 2期"
    assert doses.get("hz_rzv_1").vaccine_group == doses.get("hz_live").vaccine_group == "hz"


def test_the_vocabulary_knows_the_sex_a_dose_applies_to():
    hpv = doses.get("hpv9_1")
    assert hpv.sex == "2" and hpv.applies_to("F") and hpv.applies_to("2") and not hpv.applies_to("1")
    assert doses.get("mr_1").applies_to("1") and doses.get("mr_1").applies_to("2")


def test_b_class_is_what_the_schedule_says():
    b = doses.b_class_codes()
    assert {"flu_elderly", "covid_elderly", "ppv_elderly", "hz_live", "hz_rzv_1", "hz_rzv_2"} <= b
    assert "mr_1" not in b and "hpv9_1" not in b
    assert doses.yearly_codes() == {"flu_elderly", "covid_elderly"}


def test_an_unknown_code_is_named_in_the_error():
    with pytest.raises(doses.UnknownDose, match="no_such"):
        doses.get("no_such")
    assert doses.label("no_such") == "no_such"


def test_rsv_maternal_once_per_pregnancy_from_april_2026():
    mother = D(1995, 5, 1)
    assert check(mother, "rsv_maternal", D(2026, 5, 1), sex="2") == []
    assert check(mother, "rsv_maternal", D(2026, 3, 31), sex="2")  # voluntary before the routine started
    assert "女性のみ" in check(mother, "rsv_maternal", D(2026, 5, 1), sex="1")[0]
    # a second dose in the same pregnancy is one too many; in a later pregnancy it is a new dose
    assert "回数超過" in check(mother, "rsv_maternal", D(2026, 6, 1), [("rsv_maternal", D(2026, 5, 1))], sex="2")[0]
    assert check(mother, "rsv_maternal", D(2028, 2, 1), [("rsv_maternal", D(2026, 5, 1))], sex="2") == []


def test_a_dose_without_the_one_before_it_is_flagged_as_such():
    problems = check(D(2025, 7, 31), "dpt_ipv_hib_1i2", D(2025, 11, 1))
    assert problems == ["5種混合(DPT-IPV-Hib) 1期初回2回目: 前の回(1期初回1回目)の接種記録がありません。"]
    # a dose dropped at its deadline is not missing: Hib booster after a 2nd initial dose past 12 months
    history = [("hib_1i1", D(2023, 4, 20)), ("hib_1i2", D(2023, 6, 1))]
    assert check(D(2023, 1, 10), "hib_1b", D(2024, 1, 20), history) == []
