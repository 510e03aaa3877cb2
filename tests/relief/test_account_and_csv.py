"""The public-funds account (adapter, My Number use logged), the declared account, the finance CSV."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditRecord
from relief import services
from relief.models import PayeeAccount, Payment, PaymentExport
from tests.factories.relief import ClaimFactory, assign
from tests.factories.residents import ResidentFactory
from tests.relief.conftest import ORIGIN

D = datetime.date
ACCOUNT = {
    "bank_code": "0001",
    "bank_name": "みずほ銀行",
    "branch_code": "150",
    "branch_name": "岡崎支店",
    "account_type": "1",
    "account_no": "7654321",
    "holder_kana": "オカザキ　ハナコ",
}


@pytest.fixture
def claim(worker):
    mother = ResidentFactory(name="岡崎　花子", name_kana="オカザキ　ハナコ")
    c = ClaimFactory(claimant_resident=mother)
    assign(c, worker[1])
    return c


@pytest.mark.django_db
def test_public_funds_account_is_fetched_and_the_mynumber_use_logged(worker, claim, fake_accounts):
    client, staff = worker
    fake_accounts.ACCOUNTS[claim.claimant_resident.atena_no] = ACCOUNT
    resp = client.post(f"/relief/{claim.pk}/account/fetch/")
    assert resp.status_code == 302
    account = PayeeAccount.objects.get(claim=claim)
    assert account.source == "public_funds"
    assert (account.bank_code, account.account_no, account.holder_kana) == ("0001", "7654321", "オカザキ　ハナコ")
    assert [
        {"atena_no": claim.claimant_resident.atena_no, "requested_by": staff.username, "purpose": "健康被害の救済"}
    ] == fake_accounts.CALLS
    rec = AuditRecord.objects.get(event="mynumber_use", username=staff.username)
    assert rec.purpose == "健康被害の救済"
    assert rec.subject_atena == claim.claimant_resident.atena_no
    assert rec.outcome == "ok"
    page = client.get(f"/relief/{claim.pk}/").content.decode()
    assert "公金受取口座(中間サーバー)" in page
    assert "***4321" in page
    assert "7654321" not in page


@pytest.mark.django_db
def test_no_public_funds_account_falls_back_to_the_declared_one(worker, claim, fake_accounts):
    client, staff = worker
    resp = client.post(f"/relief/{claim.pk}/account/fetch/", follow=True)
    assert (
        "公金受取口座を取得できませんでした(未登録、または照会に応答がありません)。請求者の申出口座を登録してください。"
        in resp.content.decode()
    )
    rec = AuditRecord.objects.get(event="mynumber_use", username=staff.username)
    assert rec.outcome == "not_registered"
    assert not PayeeAccount.objects.exists()

    bad = {**ACCOUNT, "bank_code": "12", "holder_kana": "Okazaki"}
    resp = client.post(f"/relief/{claim.pk}/account/declare/", bad)
    assert resp.status_code == 400
    assert "金融機関コードは4桁の数字です。" in resp.content.decode()
    assert "口座名義はカタカナで入力してください。" in resp.content.decode()
    assert not PayeeAccount.objects.exists()

    resp = client.post(
        f"/relief/{claim.pk}/account/declare/", {**ACCOUNT, "account_no": "４３２１", "holder_kana": "ｵｶｻﾞｷ ﾊﾅｺ"}
    )
    assert resp.status_code == 302
    account = PayeeAccount.objects.get()
    assert account.source == "declared"
    assert account.account_no == "0004321"
    assert account.holder_kana == "オカザキ ハナコ"


@pytest.mark.django_db
def test_claimant_outside_the_register_is_never_looked_up(worker, fake_accounts):
    client, staff = worker
    claim = ClaimFactory(claimant_resident=None)
    assign(claim, staff)
    resp = client.post(f"/relief/{claim.pk}/account/fetch/", follow=True)
    assert "申出口座を登録してください" in resp.content.decode()
    assert fake_accounts.CALLS == []
    assert not AuditRecord.objects.filter(event="mynumber_use").exists()


def _paid_claims(staff, n):  # type: ignore[no-untyped-def]
    claims = []
    for i in range(n):
        c = ClaimFactory(
            claimant_name=f"請求　者{i}", state="payment_decided", result="certified", decided_on=D(2026, 8, 1)
        )
        PayeeAccount.objects.create(claim=c, source="declared", recorded_by=staff, **ACCOUNT)
        Payment.objects.create(claim=c, seq=1, fiscal_year=2026, amount=10_000 * (i + 1), due_on=D(2026, 9, 15))
        Payment.objects.create(claim=c, seq=2, fiscal_year=2026, amount=5_000, due_on=D(2026, 12, 15))
        claims.append(c)
    return claims


@pytest.mark.django_db
def test_finance_csv_is_cp932_with_the_due_payments_and_marks_them(lead, worker):
    client, lead_staff = lead
    claims = _paid_claims(lead_staff, 2)
    resp = client.post("/relief/payments/exports/", {"due_until": "R8.9.30"}, follow=True)
    assert "(2 件)を作成しました" in resp.content.decode()
    export = PaymentExport.objects.get()
    raw = client.get(f"/relief/payments/exports/{export.pk}/")
    assert raw.status_code == 200
    assert "attachment" in raw["Content-Disposition"]
    text = raw.content.decode("cp932")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == services.CSV_HEADER
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["受付番号"] == claims[0].claim_no
    assert first["支払金額"] == "10000"
    assert first["支払予定日"] == "20260915"
    assert first["口座名義カナ"] == "ｵｶｻﾞｷ　ﾊﾅｺ"
    assert first["金融機関名"] == "みずほ銀行"
    assert (export.rows, export.total) == (2, 30_000)
    assert set(Payment.objects.filter(seq=1).values_list("status", flat=True)) == {"exported"}
    assert set(Payment.objects.filter(seq=2).values_list("status", flat=True)) == {"scheduled"}
    assert AuditRecord.objects.filter(event="export", username=lead_staff.username).count() >= 3

    # exported payments are not exported twice
    resp = client.post("/relief/payments/exports/", {"due_until": "R8.9.30"}, follow=True)
    assert "出力する支払予定はありませんでした。" in resp.content.decode()

    worker_client, worker_staff = worker
    assert worker_client.get("/relief/payments/exports/").status_code == 403
    assert worker_client.get(f"/relief/payments/exports/{export.pk}/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.payments_export(actor=worker_staff, origin=ORIGIN, due_until=D(2026, 12, 31))


@pytest.mark.django_db
def test_real_simulator_answers_through_the_adapter_and_both_uses_are_logged(worker, claim):
    """No fake here: settings.ADAPTERS points at integration's intermediate-server adapter and simulator."""
    from integration.models import Inquiry
    from integration.simulator import national
    from residents import mynumber as mn
    from tests.factories.residents import give_mynumber, valid_mynumber

    client, _staff = worker
    number = valid_mynumber(77)
    give_mynumber(claim.claimant_resident, number)
    national().register_provider_copy(
        item_code="public_funds_account",
        blind_index=mn.blind_index(number),
        payload={**ACCOUNT, "bank_name": "三菱ＵＦＪ銀行", "account_type": "普通", "account_no": "１２３４５６７"},
    )
    resp = client.post(f"/relief/{claim.pk}/account/fetch/")
    assert resp.status_code == 302
    account = PayeeAccount.objects.get(claim=claim)
    assert (account.source, account.account_type, account.account_no) == ("public_funds", "1", "1234567")
    assert account.bank_name == "三菱ＵＦＪ銀行"
    assert Inquiry.objects.get().business == "健康被害の救済"
    uses = AuditRecord.objects.filter(event="mynumber_use", subject_atena=claim.claimant_resident.atena_no)
    assert uses.count() == 2  # the network inquiry (integration) and the claim's use of it (relief)
    assert {r.purpose for r in uses} == {"健康被害の救済"}
    assert any(r.additional_data.get("claim_no") == claim.claim_no for r in uses)
    assert all(number not in str(r.additional_data) for r in uses)
