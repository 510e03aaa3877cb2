"""Issue 3's "done when", keyed part: an entry operator keys a returned voucher on the keyboard, a verifier
confirms it against the original, and the resident's history shows it verified."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from accounts import roles
from immunization.models import Doctor, Institution, Manufacturer, VaccinationRecord, VaccineLot
from immunization.services import voucher_issue
from tests.factories.accounts import PASSWORD, StaffFactory
from tests.factories.residents import ResidentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_entry_keys_a_voucher_and_verifier_verifies_it(live_server, browser, log_in):
    child = ResidentFactory(name="岡崎　ひなた", name_kana="オカザキ　ヒナタ", birth_date=datetime.date(2024, 3, 15))
    voucher = voucher_issue(resident=child, dose_code="mr_1", issued_on=datetime.date(2025, 3, 1), batch_ref="MR1")
    inst = Institution.objects.create(code="2310001", name="康生こどもクリニック")
    Doctor.objects.create(code="50001", name="康生　一郎", institution=inst)
    maker = Manufacturer.objects.create(code="11", name="第一製薬")
    VaccineLot.objects.create(manufacturer=maker, lot_no="MR123", product_name="MRワクチン", vaccine="mr")
    StaffFactory(username="entry", roles=[roles.ENTRY])
    StaffFactory(username="verifier", roles=[roles.VERIFIER])
    StaffFactory(username="clerk", roles=[roles.CLERK])

    ctx = browser.new_context(locale="ja-JP")
    page = ctx.new_page()
    log_in(page, "entry", PASSWORD)
    page.get_by_role("link", name="接種券パンチ入力").click()
    page.get_by_label("バッチ名").fill("4月返戻 1箱目")
    page.get_by_role("button", name="作成して入力を始める").click()
    expect(page.locator("h1")).to_contain_text("4月返戻 1箱目")

    # a wrong check digit is caught while typing
    wrong = voucher.number[:-1] + str((int(voucher.number[-1]) + 1) % 10)
    page.get_by_label("接種券番号").fill(wrong)
    expect(page.get_by_test_id("voucher-problem")).to_contain_text("チェックデジット")
    page.get_by_label("接種券番号").fill(voucher.number)
    expect(page.locator("#voucher-check")).to_contain_text("岡崎　ひなた")

    # 10-key entry: Enter moves to the next field
    page.get_by_label("接種券番号").press("Enter")
    for value in [child.atena_no, "mr_1", "20250410", "2310001", "50001", "11", "MR123", "0.5", "0"]:
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    page.get_by_role("button", name="登録(Enter)").click()
    expect(page.locator(".messages")).to_contain_text("照合待ち")
    record = VaccinationRecord.objects.get()
    assert record.status == "pending"
    assert record.keyed_by.username == "entry"
    ctx.close()

    ctx = browser.new_context(locale="ja-JP")
    page = ctx.new_page()
    log_in(page, "verifier", PASSWORD)
    page.get_by_role("link", name="入力の照合").click()
    expect(page.locator("h1")).to_contain_text("照合待ち 1 件")
    page.get_by_role("link", name="照合する").click()
    expect(page.locator("body")).to_contain_text("岡崎　ひなた")
    expect(page.get_by_label("ロット番号")).to_have_value("MR123")
    page.get_by_role("button", name="原票と一致 — 照合済みにする").click()
    expect(page.locator(".messages")).to_contain_text("照合済みにしました")
    record.refresh_from_db()
    assert record.status == "verified"
    assert record.verified_by.username == "verifier"
    ctx.close()

    ctx = browser.new_context(locale="ja-JP")
    page = ctx.new_page()
    log_in(page, "clerk", PASSWORD)
    page.goto(f"{live_server.url}/residents/{child.pk}/")
    expect(page.locator("#vaccination-history")).to_contain_text("照合済")
    expect(page.locator("#vaccination-history")).to_contain_text("MR123")
    ctx.close()
