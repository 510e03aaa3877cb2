"""Issue 5's "done when": a consent is keyed and verified, the decision and its basis are on the resident's
page, a month's claims are run, one clinic approved and paid, its statement and the finance CSV downloaded."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import roles
from billing.models import Claim, Consent, CopaymentDecision
from tests.factories.accounts import PASSWORD, StaffFactory
from tests.factories.billing import FeeScheduleFactory, reload_migration_reference_data
from tests.factories.immunization import InstitutionFactory, RecordFactory
from tests.factories.residents import ResidentFactory, StatusFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _migrated_reference_data_back(django_db_blocker):
    """Module scope, so it runs after the flush that ends this module's transactional test."""
    yield
    with django_db_blocker.unblock():
        reload_migration_reference_data()


def test_consent_decision_claims_payment_and_downloads(live_server, browser, log_in):
    roles.sync_roles()
    elder = ResidentFactory(name="矢作　トメ", name_kana="ヤハギ　トメ", birth_date=datetime.date(1949, 8, 8))
    StatusFactory(resident=elder, kind="tax", code="非課税", fiscal_year=2026)
    StaffFactory(username="entry", roles=[roles.ENTRY])
    verifier = StaffFactory(username="verifier", roles=[roles.VERIFIER])
    StaffFactory(username="clerk", roles=[roles.CLERK])
    FeeScheduleFactory(dose_code="flu_elderly", clinic_fee=5060, copayment=1500)
    clinic = InstitutionFactory(code="2310077", name="矢作川クリニック")
    RecordFactory(
        resident=elder,
        dose_code="flu_elderly",
        vaccinated_on=datetime.date(2026, 10, 20),
        institution=clinic,
        copayment_amount=0,
        source="voucher",
        verified_by=verifier,
    )

    # 入力担当 keys the paper form
    ctx = browser.new_context(locale="ja-JP")
    page = ctx.new_page()
    log_in(page, "entry", PASSWORD)
    page.get_by_role("link", name="同意書入力").click()
    page.get_by_label("宛番号").fill(elder.atena_no)
    page.get_by_label("同意書提出日").fill("R8.9.1")
    page.get_by_label("有効期限").fill("R9.3.31")
    page.get_by_label("受付方法").select_option("mail")
    page.get_by_role("button", name="登録").click()
    expect(page.locator(".messages")).to_contain_text("照合待ち")
    ctx.close()

    # 照合担当 re-keys the dates from the original
    ctx = browser.new_context(locale="ja-JP")
    page = ctx.new_page()
    log_in(page, "verifier", PASSWORD)
    page.get_by_role("link", name="同意書照合").click()
    page.get_by_role("link", name="照合する").click()
    page.get_by_label("同意書提出日(原本から入力)").fill("20260901")
    page.get_by_label("有効期限(原本から入力)").fill("20270331")
    page.get_by_role("button", name="照合する").click()
    expect(page.locator(".messages")).to_contain_text("照合しました")
    assert Consent.objects.get(resident=elder).state == "verified"
    ctx.close()

    # 予防接種担当 decides on the resident page and reads the basis
    ctx = browser.new_context(locale="ja-JP", accept_downloads=True)
    page = ctx.new_page()
    log_in(page, "clerk", PASSWORD)
    page.goto(f"{live_server.url}/residents/{elder.pk}/")
    page.locator("#id_decide-reference_date").fill("R8.10.1")
    page.get_by_role("button", name="判定", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("免除と判定しました")
    expect(page.locator("#copayment")).to_contain_text("住民税非課税世帯")
    page.locator("#copayment").get_by_role("link", name="判定根拠").click()
    expect(page.locator("main")).to_contain_text("世帯員の課税状況")
    assert CopaymentDecision.objects.get(resident=elder).exempt

    # the month's claims: run, approve one clinic, pay, download
    page.get_by_role("link", name="月次請求・支払").click()
    page.get_by_label("年").fill("2026")
    page.get_by_label("月", exact=True).fill("10")
    page.get_by_role("button", name="表示").click()
    page.get_by_role("button", name="請求を作成する").click()
    expect(page.locator(".messages")).to_contain_text("請求を作成しました")
    page.get_by_role("link", name="2310077 矢作川クリニック").click()
    page.get_by_role("button", name="承認する").click()
    expect(page.locator(".messages")).to_contain_text("承認しました")
    page.get_by_label("支払日").fill(timezone.localdate().strftime("%Y%m%d"))
    page.get_by_role("button", name="支払済にする").click()
    expect(page.locator(".messages")).to_contain_text("以後変更できません")
    assert Claim.objects.get().status == "paid"

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="支払明細書(PDF)").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "矢作川クリニック" in text
    assert "5,060円" in text

    page.get_by_role("link", name="月次請求・支払").click()
    page.get_by_label("年").fill("2026")
    page.get_by_label("月", exact=True).fill("10")
    page.get_by_role("button", name="表示").click()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="財務会計用CSV(承認済・支払済)").click()
    rows = Path(csv_download.value.path()).read_bytes().decode("cp932").splitlines()
    assert rows[1].startswith("D,202610,2310077,矢作川クリニック,1,5060,0,5060,0,")
    assert rows[1].endswith(",支払済")
    ctx.close()
