"""A clerk answers a parent's phone call with the calculator, on the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from tests.factories.accounts import PASSWORD, StaffFactory
from tests.factories.schedule import ensure_schedule_rules

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_clerk_computes_when_the_next_doses_can_be_given(live_server, page, log_in):
    ensure_schedule_rules()  # earlier browser tests flushed every table
    StaffFactory(username="clerk", roles=[roles.CLERK])
    log_in(page, "clerk", PASSWORD)
    page.get_by_role("link", name="接種時期の計算").click()
    expect(page.get_by_label("生年月日")).to_be_focused()
    page.keyboard.type("R7.6.10")
    page.get_by_label("性別").select_option("1")
    page.get_by_label("基準日").fill("R8.6.20")
    page.get_by_label("接種区分1", exact=True).select_option("mr_1")
    page.get_by_label("接種日1", exact=True).fill("R8.6.15")
    page.get_by_label("接種区分2", exact=True).select_option("dpt_ipv_hib_1i1")
    page.get_by_label("接種日2", exact=True).fill("2025-08-20")
    page.get_by_role("button", name="計算する").click()

    result = page.locator("#result")
    expect(result).to_contain_text("計算結果(令和8年6月20日 時点)")
    varicella = result.locator("tr", has=page.locator("code", has_text="varicella_1"))
    expect(varicella).to_contain_text("これから")
    expect(varicella).to_contain_text("令和8年7月13日から接種できます")
    expect(result.locator("tr", has=page.locator("code", has_text="mr_1"))).to_contain_text("接種済")

    # a date that does not exist is refused with a Japanese message, nothing computed
    page.get_by_label("生年月日").fill("2025-02-30")
    page.get_by_role("button", name="計算する").click()
    expect(page.locator(".errorlist")).to_contain_text("存在しない日付です")
    expect(page.locator("#result")).to_have_count(0)
