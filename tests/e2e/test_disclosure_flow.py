"""PIA V on screen: a disclosure officer receives a request by keyboard, opens the holdings report, and
finds the person's records in it, without the My Number."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from tests.factories.accounts import PASSWORD, StaffFactory
from tests.factories.immunization import RecordFactory
from tests.factories.residents import ResidentFactory, give_mynumber, valid_mynumber

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_receives_a_request_and_prints_everything_held(live_server, page, log_in):
    resident = ResidentFactory(name="開示　希望")
    number = valid_mynumber(5)
    give_mynumber(resident, number)
    record = RecordFactory(resident=resident, verified_by=StaffFactory())
    StaffFactory(username="disclosure", roles=[roles.DISCLOSURE])

    log_in(page, "disclosure", PASSWORD)
    page.get_by_role("link", name="開示・訂正・利用停止請求").click()
    page.get_by_label("宛番号").fill(resident.atena_no)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("R8.11.20")
    page.get_by_label("本人確認書類").fill("運転免許証")
    page.get_by_label("請求の内容").fill("予防接種の記録")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("開示請求 開2026-0001")
    expect(page.locator("body")).to_contain_text("2026-12-20")  # due 30 days after receipt

    page.get_by_role("link", name="保有個人情報の一覧を作成する").click()
    expect(page.locator("h1")).to_have_text("保有個人情報の一覧")
    expect(page.locator("body")).to_contain_text("予防接種記録(予防接種)")
    expect(page.locator("body")).to_contain_text(record.lot_no)
    expect(page.locator("body")).to_contain_text("保有しています(番号はこの一覧に記載しません)")
    expect(page.locator("body")).not_to_contain_text(number)
