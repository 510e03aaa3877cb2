"""Issue 7's "done when": a new user drops a day's registry and tax files in, sees the changes on the
resident's page and the status page, asks the network for a mover-in's history, and a supervisor
approves a queued answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts import roles
from integration import intermediate
from integration.services import sources_ensure
from integration.simulator import national
from residents import mynumber as mn
from tests.factories.accounts import PASSWORD, StaffFactory
from tests.factories.integration import event, registry_file, status_file
from tests.factories.residents import ResidentFactory, give_mynumber, valid_mynumber

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_files_in_history_inquiry_and_approval(live_server, browser, log_in, tmp_path):
    sources_ensure()
    person = ResidentFactory(atena_no="100000501", name="岡崎　蓮", name_kana="オカザキ　レン")
    mover = ResidentFactory(
        atena_no="100000502", name="豊田　陽向", name_kana="トヨタ　ヒナタ", became_resident_reason="転入"
    )
    number = valid_mynumber(501)
    give_mynumber(mover, number)
    national().register_provider_copy(
        item_code="vaccination_history",
        blind_index=mn.blind_index(number),
        payload={"records": [{"vaccine": "MR", "dose": "1期", "date": "2022-06-01", "city": "豊田市"}]},
    )
    intermediate.copy_register(resident=mover, item_code="relief_benefit", payload={"benefit": "医療費"})
    link = intermediate.link_ensure(resident=mover)
    intermediate.provision_receive(
        request_id="E2E-1",
        requester="名古屋市長",
        requester_business="給付の調整",
        item_code="relief_benefit",
        unified_no=link.unified_no,
    )
    StaffFactory(username="clerk", roles=[roles.CLERK, roles.MYNUMBER])
    StaffFactory(username="boss", roles=[roles.SUPERVISOR])
    ido = tmp_path / "ido_20261126.csv"
    ido.write_bytes(
        registry_file(
            [event("30", person.atena_no, 7, address="愛知県岡崎市明大寺本町1丁目5番地", postal_code="4448601")],
            encoding="CP932",
        )
    )
    zei = tmp_path / "zei_20261126.csv"
    zei.write_bytes(
        status_file(
            "tax",
            [{"atena_no": person.atena_no, "fiscal_year": "2026", "tax_class": "2", "household_exempt": "1"}],
            encoding="CP932",
        )
    )

    page = browser.new_context(locale="ja-JP").new_page()
    log_in(page, "clerk", PASSWORD)
    expect(page.locator("#feed-staleness")).to_contain_text("住民記録(異動)")
    page.get_by_role("link", name="連携状況", exact=True).click()
    for source, path in (("住民記録(異動)", ido), ("住民税課税状況", zei)):
        page.get_by_label("連携元").select_option(label=f"{source}({'registry' if path == ido else 'tax'})")
        page.get_by_label("連携ファイル").set_input_files(str(path))
        page.get_by_role("button", name="取り込む").click()
        expect(page.locator("body")).to_contain_text("正常終了")
        page.get_by_role("link", name="連携状況へ戻る").click()
    expect(page.locator("table").first).to_contain_text("最新")

    page.goto(f"{live_server.url}/residents/{person.pk}/")
    expect(page.locator("body")).to_contain_text("明大寺本町1丁目5番地")
    expect(page.locator("body")).to_contain_text("非課税")

    page.goto(f"{live_server.url}/residents/{mover.pk}/")
    panel = page.locator("#network-inquiry")
    panel.get_by_label("照会項目").select_option("vaccination_history")
    panel.get_by_label("照会する事務").select_option("予防接種記録の管理")
    panel.get_by_role("button", name="照会する").click()
    expect(page.locator("body")).to_contain_text("豊田市")
    expect(page.locator("body")).to_contain_text("回答あり")

    boss = browser.new_context(locale="ja-JP").new_page()
    log_in(boss, "boss", PASSWORD)
    boss.get_by_role("link", name="情報提供の承認").click()
    expect(boss.locator("body")).to_contain_text("承認待ち(1 件)")
    boss.get_by_role("button", name="承認して回答").click()
    expect(boss.locator("body")).to_contain_text("回答を送信しました")
    expect(boss.locator("body")).to_contain_text("承認待ち(0 件)")
    assert national().answers_received("E2E-1")[0]["data"] == {"benefit": "医療費"}
