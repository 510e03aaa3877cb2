"""The screens a new user goes through: key and verify a consent, decide, read the basis; menus = rights."""

from __future__ import annotations

import datetime

import pytest

from accounts import roles
from audit.models import AuditRecord
from billing.models import Consent, CopaymentDecision
from tests.factories.billing import ConsentFactory
from tests.factories.residents import ResidentFactory, StatusFactory

pytestmark = pytest.mark.django_db


def test_consent_keyed_by_one_and_verified_by_another_then_decided_on_the_resident_page(staff_client):
    r = ResidentFactory(birth_date=datetime.date(1950, 1, 1))
    StatusFactory(resident=r, kind="tax", code="非課税", fiscal_year=2026)
    keyer_client, _keyer = staff_client(roles.ENTRY)
    verifier_client, _ = staff_client(roles.VERIFIER)
    clerk_client, _ = staff_client(roles.CLERK)

    resp = keyer_client.post(
        "/billing/consents/entry/",
        {"atena_no": r.atena_no, "filed_on": "R8.4.10", "expires_on": "20270331", "channel": "mail", "scope": "all"},
    )
    assert resp.status_code == 302
    consent = Consent.objects.get(resident=r)
    assert consent.state == "pending"
    assert consent.filed_on == datetime.date(2026, 4, 10)

    # the keyer cannot verify their own form, by URL either
    assert keyer_client.get(f"/billing/consents/{consent.pk}/verify/").status_code == 403
    assert "照合待ちの同意書が 1 件あります。" in verifier_client.get("/").content.decode()
    assert "照合待ちの同意書" not in keyer_client.get("/").content.decode()
    queue = verifier_client.get("/billing/consents/verify/").content.decode()
    assert r.atena_no in queue

    wrong = verifier_client.post(
        f"/billing/consents/{consent.pk}/verify/", {"filed_on": "R8.4.11", "expires_on": "R9.3.31"}
    )
    assert wrong.status_code == 400
    assert "同意書提出日が入力内容と一致しません" in wrong.content.decode()
    consent.refresh_from_db()
    assert consent.state == "pending"

    ok = verifier_client.post(
        f"/billing/consents/{consent.pk}/verify/", {"filed_on": "令和8年4月10日", "expires_on": "R9.3.31"}
    )
    assert ok.status_code == 302
    consent.refresh_from_db()
    assert consent.state == "verified"

    decided = clerk_client.post(
        f"/billing/residents/{r.pk}/decide/",
        {"decide-vaccine": "flu_elderly", "decide-fiscal_year": "2026", "decide-reference_date": "R8.10.1"},
    )
    assert decided.status_code == 302
    d = CopaymentDecision.objects.get(resident=r)
    assert d.exempt

    page = clerk_client.get(f"/residents/{r.pk}/").content.decode()
    assert "住民税非課税世帯" in page
    assert "照合済" in page

    basis = clerk_client.get(f"/billing/decisions/{d.pk}/")
    assert basis.status_code == 200
    assert "非課税" in basis.content.decode()
    assert AuditRecord.objects.filter(subject_atena=r.atena_no, purpose="実費の徴収 / 判定根拠の確認").count() == 1


def test_consent_with_expiry_before_filing_is_refused_in_japanese_and_nothing_is_stored(staff_client):
    r = ResidentFactory()
    client, _ = staff_client(roles.ENTRY)
    resp = client.post(
        "/billing/consents/entry/",
        {"atena_no": r.atena_no, "filed_on": "R8.5.1", "expires_on": "R8.4.30", "channel": "counter", "scope": "all"},
    )
    assert resp.status_code == 400
    assert "有効期限は同意書提出日以降の日付にしてください。" in resp.content.decode()
    assert not Consent.objects.exists()
    assert AuditRecord.objects.filter(event="denied", outcome="invalid").exists()


def test_consent_for_an_unknown_atena_number_is_refused(staff_client):
    client, _ = staff_client(roles.ENTRY)
    resp = client.post(
        "/billing/consents/entry/",
        {"atena_no": "999999999", "filed_on": "R8.5.1", "expires_on": "R9.3.31", "channel": "counter", "scope": "all"},
    )
    assert resp.status_code == 400
    assert "該当する住民が見つかりません" in resp.content.decode()
    assert not Consent.objects.exists()


def test_database_refuses_a_verifier_who_is_the_keyer():
    from django.db import IntegrityError, transaction

    c = ConsentFactory(state=Consent.State.PENDING)
    c.state, c.verified_by = Consent.State.VERIFIED, c.keyed_by
    c.verified_at = c.keyed_at
    with pytest.raises(IntegrityError), transaction.atomic():
        c.save()


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (roles.ENTRY, ["/billing/consents/entry/"], ["/billing/consents/verify/", "/billing/decisions/"]),
        (roles.VERIFIER, ["/billing/consents/verify/"], ["/billing/consents/entry/", "/billing/decisions/"]),
        (roles.CLERK, ["/billing/decisions/", "/billing/fees/"], ["/billing/consents/entry/"]),
        (roles.AUDITOR, [], ["/billing/decisions/", "/billing/fees/", "/billing/consents/entry/"]),
    ],
)
def test_menus_by_role_and_hidden_items_are_refused_urls(staff_client, role, allowed, refused):
    client, _ = staff_client(role)
    home = client.get("/").content.decode()
    for url in allowed:
        assert client.get(url).status_code == 200
        assert f'href="{url}"' in home
    for url in refused:
        assert client.get(url).status_code == 403
        assert f'href="{url}"' not in home


def test_resident_page_without_billing_rights_shows_no_copayment_panel(staff_client):
    r = ResidentFactory()
    client, _ = staff_client(roles.RELIEF)
    page = client.get(f"/residents/{r.pk}/").content.decode()
    assert "自己負担(実費の徴収)" not in page


def test_counter_decision_on_the_resident_page_needs_a_reason(staff_client):
    r = ResidentFactory(birth_date=datetime.date(1950, 1, 1))
    client, _ = staff_client(roles.CLERK)
    data = {
        "counter-vaccine": "flu_elderly",
        "counter-fiscal_year": "2026",
        "counter-exempt": "1",
        "counter-evidence": "保護受給証明書",
        "counter-reason": "",
        "counter-effective_from": "R8.11.1",
    }
    resp = client.post(f"/billing/residents/{r.pk}/counter/", data, follow=True)
    assert "理由" in resp.content.decode()
    assert not CopaymentDecision.objects.filter(resident=r).exists()
    data["counter-reason"] = "生活保護の開始決定通知書を確認(11月1日開始)"
    client.post(f"/billing/residents/{r.pk}/counter/", data)
    d = CopaymentDecision.objects.get(resident=r)
    assert d.method == "counter"
    assert d.exempt
    assert d.effective_from == datetime.date(2026, 11, 1)


def test_viewing_a_basis_records_every_household_member_whose_tax_category_it_shows(staff_client):
    from billing import services
    from tests.factories.residents import HouseholdFactory

    from .conftest import ORIGIN

    hh = HouseholdFactory()
    me = ResidentFactory(household=hh, birth_date=datetime.date(1950, 1, 1))
    spouse = ResidentFactory(household=hh, birth_date=datetime.date(1952, 1, 1))
    for r in (me, spouse):
        StatusFactory(resident=r, kind="tax", code="非課税", fiscal_year=2026)
        ConsentFactory(resident=r)
    client, clerk = staff_client(roles.CLERK)
    d = services.copayment_decide(
        resident=me,
        vaccine="flu_elderly",
        fiscal_year=2026,
        actor=clerk,
        origin=ORIGIN,
        reference_date=datetime.date(2026, 10, 1),
    )
    assert client.get(f"/billing/decisions/{d.pk}/").status_code == 200
    purpose = "実費の徴収 / 判定根拠の確認"
    assert AuditRecord.objects.filter(subject_atena=me.atena_no, purpose=purpose).count() == 1
    assert AuditRecord.objects.filter(subject_atena=spouse.atena_no, purpose=purpose).count() == 1


def test_season_run_is_started_from_the_screen_as_a_batch_and_its_progress_is_polled(staff_client):
    from unittest import mock

    from billing.models import DecisionRun

    client, _ = staff_client(roles.CLERK)
    with mock.patch("billing.views.copayments.tasks.decision_run_task.delay_on_commit") as enqueue:
        resp = client.post("/billing/decisions/", {"vaccine": "hz", "fiscal_year": "2026", "reference_date": "R8.6.1"})
    assert resp.status_code == 302
    run = DecisionRun.objects.get()
    enqueue.assert_called_once_with(run.pk)
    assert run.state == "queued"
    assert run.tax_fiscal_year == 2026  # from June the year's own tax status
    assert "待機中" in client.get("/billing/decisions/runs/").content.decode()

    bad = client.post("/billing/decisions/", {"vaccine": "mr", "fiscal_year": "2026"})
    assert bad.status_code == 400
    assert DecisionRun.objects.count() == 1
