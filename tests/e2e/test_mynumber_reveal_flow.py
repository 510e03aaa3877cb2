"""The foundation's "done when": find a resident by kana, reveal the number, see it in the auditor's export."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from tests.factories.accounts import PASSWORD, StaffFactory
from tests.factories.residents import ResidentFactory, give_mynumber, valid_mynumber

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mynumber_worker_reveals_and_auditor_sees_it_in_the_export(live_server, browser, log_in, tmp_path):
    resident = ResidentFactory(name="岡崎　葵", name_kana="オカザキ　アオイ")
    number = valid_mynumber(42)
    give_mynumber(resident, number)
    StaffFactory(username="mynumber", roles=[roles.CLERK, roles.MYNUMBER])
    StaffFactory(username="auditor", roles=[roles.AUDITOR])

    worker = browser.new_context(locale="ja-JP")
    page = worker.new_page()
    log_in(page, "mynumber", PASSWORD)
    page.get_by_role("link", name="住民検索").click()
    page.locator("h1").click()  # leave the field, then the "/" shortcut brings the cursor back
    page.keyboard.press("/")
    page.keyboard.type("おかざき　あおい")
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_contain_text("1 件")
    page.get_by_role("link", name=resident.atena_no).click()
    expect(page.get_by_text("**** **** ****")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(number[-4:])
    page.get_by_label("表示する理由").select_option("予防接種記録の管理")
    page.get_by_role("button", name="表示").click()
    expect(page.locator("#mynumber-value")).to_have_text(f"{number[:4]} {number[4:8]} {number[8:]}")
    worker.close()

    audit = browser.new_context(locale="ja-JP", accept_downloads=True)
    page = audit.new_page()
    log_in(page, "auditor", PASSWORD)
    page.get_by_role("link", name="アクセス記録").click()
    expect(page.locator("table")).to_contain_text("個人番号表示")
    page.get_by_label("開始日").fill("2020-01-01")
    page.get_by_label("終了日").fill("2099-12-31")
    with page.expect_download() as download:
        page.get_by_role("button", name="出力").click()
    path = tmp_path / "log.csv"
    download.value.save_as(path)
    text = path.read_bytes().decode("cp932")
    reveal_rows = [line for line in text.splitlines() if "個人番号表示" in line]
    assert len(reveal_rows) == 1
    assert "mynumber" in reveal_rows[0]
    assert resident.atena_no in reveal_rows[0]
    assert "予防接種記録の管理" in reveal_rows[0]
    assert number not in text
    audit.close()
