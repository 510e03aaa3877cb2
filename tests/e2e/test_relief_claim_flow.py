"""relief's "done when": the assigned worker takes a claim from intake to a paid first instalment in the
browser, and a second relief worker can neither list nor open it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import roles
from core.legal_age import fiscal_year
from relief.models import BenefitRate, Claim
from tests.factories.accounts import PASSWORD, StaffFactory
from tests.factories.immunization import RecordFactory
from tests.factories.residents import HouseholdFactory, ResidentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_relief_worker_takes_a_claim_to_a_paid_first_instalment(live_server, browser, log_in, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    today = timezone.localdate()
    days = lambda n: (today - datetime.timedelta(days=n)).isoformat()  # noqa: E731
    fy = fiscal_year(today)
    for year in (fy - 1, fy, fy + 1):
        BenefitRate.objects.create(
            benefit="child_pension", vaccine_class="A", fiscal_year=year, grade="2級", amount=1_293_600, source="テスト"
        )
    home = HouseholdFactory()
    mother = ResidentFactory(
        name="岡崎　花子", name_kana="オカザキ　ハナコ", household=home, birth_date=datetime.date(1992, 5, 1)
    )
    child = ResidentFactory(
        name="岡崎　陽向", name_kana="オカザキ　ヒナタ", household=home, birth_date=today.replace(year=today.year - 3)
    )
    StaffFactory(username="relief", roles=[roles.RELIEF])
    StaffFactory(username="relief2", roles=[roles.RELIEF])
    record = RecordFactory(
        resident=child, dose_code="mr_1", vaccinated_on=today - datetime.timedelta(days=200), verified_by=StaffFactory()
    )

    ctx = browser.new_context(locale="ja-JP")
    page = ctx.new_page()
    log_in(page, "relief", PASSWORD)
    page.get_by_role("link", name="救済申請の受付").click()
    page.get_by_label("被接種者の宛番号").fill(child.atena_no)
    page.get_by_label("被接種者の宛番号").press("Tab")
    expect(page.locator("#intake-records")).to_contain_text("岡崎　陽向")
    page.locator(f"input[name=records][value='{record.pk}']").check()
    page.get_by_label("請求者の続柄").select_option(label="保護者")
    page.get_by_label("請求者の宛番号").fill(mother.atena_no)
    page.get_by_label("請求する給付").select_option(label="障害児養育年金")
    page.get_by_label("健康被害の状況").fill("接種後の急性脳症、後遺症あり")
    page.get_by_label("発症日").fill(days(198))
    page.get_by_label("受付日").fill(days(150))
    page.get_by_role("button", name="受け付ける").click()
    expect(page.locator(".messages")).to_contain_text("で受け付けました")
    claim = Claim.objects.get()
    assert claim.claimant_resident == mother
    assert list(claim.records.all()) == [record]

    def step(label: str, on: str, **extra: str) -> None:
        page.get_by_label("次の手続").select_option(label=label)
        page.get_by_label("日付", exact=True).fill(on)
        for field, option in extra.items():
            page.get_by_label(field).select_option(label=option)
        page.get_by_role("button", name="記録する").click()
        expect(page.locator("#claim-state")).to_have_text(label)

    # a step out of order is not even offered, and refused if forced
    expect(page.get_by_label("次の手続").locator("option")).to_have_text(["調査中(調査委員会)"])
    step("調査中(調査委員会)", days(140))
    step("進達済(県・厚生労働省)", days(120))
    step("審査結果受理", days(30), 審査結果="認定", **{"等級(年金)": "2級"})
    step("決定通知済", days(25))
    expect(page.locator("#letters")).to_contain_text("認定・否認 結果通知書")

    page.get_by_text("請求者の申出口座を登録する").click()
    page.get_by_label("金融機関コード").fill("0150")
    page.get_by_label("金融機関名").fill("岡崎信用金庫")
    page.get_by_label("支店コード").fill("001")
    page.get_by_label("支店名").fill("本店営業部")
    page.get_by_label("口座番号").fill("1234567")
    page.get_by_label("口座名義").fill("オカザキ　ハナコ")
    page.get_by_role("button", name="申出口座を登録").click()
    expect(page.locator("#account")).to_contain_text("***4567")

    page.get_by_label("支給決定日").fill(days(20))
    page.get_by_role("button", name="支給を決定する").click()
    expect(page.locator("#claim-state")).to_have_text("支給決定")
    expect(page.locator("#letters")).to_contain_text("支給決定通知書")
    rows = page.locator("#payments tr")
    assert rows.count() >= 3  # header + at least two instalments

    page.get_by_label("第1回の支払日").fill(today.isoformat())
    page.locator("#payments").get_by_role("button", name="支払済にする").first.click()
    expect(page.locator("#claim-state")).to_have_text("支払済")
    expect(page.locator("#payments")).to_contain_text("支払済")
    href = page.locator("#letters a", has_text="支給決定通知書").get_attribute("href")
    letter = page.request.get(f"{live_server.url}{href}")
    assert letter.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.body())).pages).replace(" ", "")
    assert "支給決定通知書" in text
    assert claim.claim_no in text
    ctx.close()

    other = browser.new_context(locale="ja-JP")
    page = other.new_page()
    log_in(page, "relief2", PASSWORD)
    page.get_by_role("link", name="救済申請一覧").click()
    expect(page.locator("main")).to_contain_text("該当する申請はありません。")
    expect(page.locator("main")).not_to_contain_text(claim.claim_no)
    response = page.goto(f"{live_server.url}/relief/{claim.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("急性脳症")
    other.close()
