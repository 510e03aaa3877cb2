"""PIA V: a register of disclosure, correction and suspension requests, and the report of everything held on
the person, made from every app's data, audited with the request number, never showing the My Number."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts import roles
from audit.models import AuditRecord
from integration.models import NumberLink
from residents.models import DisclosureRequest
from residents.mynumber import blind_index
from tests.factories.accounts import StaffFactory
from tests.factories.immunization import RecordFactory
from tests.factories.residents import ResidentFactory, StatusFactory, give_mynumber, valid_mynumber


def _receive(client, resident, **extra):  # type: ignore[no-untyped-def]
    data = {
        "atena_no": resident.atena_no,
        "kind": "disclosure",
        "received_on": timezone.localdate().isoformat(),
        "requester": "self",
        "identity_document": "個人番号カード",
        "content": "予防接種の記録すべて",
        **extra,
    }
    return client.post("/residents/disclosure/", data)


@pytest.mark.django_db
def test_a_received_request_is_numbered_and_due_in_30_days(staff_client):
    client, officer = staff_client(roles.DISCLOSURE)
    resident = ResidentFactory()
    response = _receive(client, resident, received_on="令和8年11月2日")
    item = DisclosureRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/disclosure/{item.pk}/")
    assert item.request_no == "開2026-0001"
    assert item.due_on == datetime.date(2026, 12, 2)
    assert item.received_by == officer
    _receive(client, resident, kind="correction")
    assert DisclosureRequest.objects.filter(request_no="開2026-0002", kind="correction").exists()


@pytest.mark.django_db
def test_bad_input_is_refused_in_japanese_and_nothing_is_stored(staff_client):
    client, _ = staff_client(roles.DISCLOSURE)
    resident = ResidentFactory()
    page = _receive(client, resident, atena_no="999999999", requester="proxy").content.decode()
    assert "この宛番号の住民は見つかりません" in page
    assert "代理人による請求では請求者の氏名を入力してください" in page
    assert not DisclosureRequest.objects.exists()


@pytest.mark.django_db
def test_an_open_request_past_its_deadline_is_flagged_until_decided(staff_client):
    client, _ = staff_client(roles.DISCLOSURE)
    resident = ResidentFactory()
    _receive(client, resident, received_on=(timezone.localdate() - datetime.timedelta(days=31)).isoformat())
    item = DisclosureRequest.objects.get()
    assert "期限超過" in client.get("/residents/disclosure/").content.decode()
    client.get(f"/residents/disclosure/{item.pk}/")
    assert AuditRecord.objects.filter(event="view", subject_atena=resident.atena_no).exists()  # who looked at it
    page = client.post(f"/residents/disclosure/{item.pk}/", {"state": "decided"}).content.decode()
    assert "決定の内容と決定日を入力してください" in page
    client.post(
        f"/residents/disclosure/{item.pk}/",
        {"state": "decided", "decision": "full", "decided_on": timezone.localdate().isoformat(), "note": "郵送"},
    )
    item.refresh_from_db()
    assert (item.state, item.decision) == ("decided", "full")
    assert "期限超過" not in client.get("/residents/disclosure/").content.decode()


@pytest.mark.django_db
def test_the_holdings_report_lists_every_apps_data_never_the_number_and_is_audited(staff_client):
    client, officer = staff_client(roles.DISCLOSURE)
    resident = ResidentFactory(name="開示 太郎")
    number = valid_mynumber(77)
    give_mynumber(resident, number)
    StatusFactory(resident=resident, kind="tax", code="非課税")
    verifier = StaffFactory()
    record = RecordFactory(resident=resident, verified_by=verifier)
    NumberLink.objects.create(resident=resident, unified_no="500000077", mynumber_blind_index=blind_index(number))
    other = ResidentFactory(name="別人 花子")
    RecordFactory(resident=other, verified_by=verifier)
    _receive(client, resident)
    item = DisclosureRequest.objects.get()

    page = client.get(f"/residents/disclosure/{item.pk}/holdings/").content.decode()
    assert "開示 太郎" in page and "別人 花子" not in page
    assert "住民の状態" in page and "非課税" in page  # residents
    assert "接種記録" in page and record.lot_no in page  # immunization
    assert "開示・訂正・利用停止請求" in page  # the request itself is information held
    assert "保有しています(番号はこの一覧に記載しません)" in page
    assert number not in page and number[:4] + " " not in page
    assert "500000077" in page and blind_index(number) not in page  # the link is held; its key is internal
    audit = AuditRecord.objects.get(event="export", actor=officer)
    assert audit.subject_atena == resident.atena_no
    assert item.request_no in audit.purpose


@pytest.mark.django_db
def test_other_roles_cannot_reach_the_register_or_the_report(staff_client):
    officer, _ = staff_client(roles.DISCLOSURE)
    resident = ResidentFactory()
    _receive(officer, resident)
    item = DisclosureRequest.objects.get()
    for role in (roles.CLERK, roles.MYNUMBER, roles.AUDITOR):
        client, _ = staff_client(role)
        assert client.get("/residents/disclosure/").status_code == 403
        assert client.get(f"/residents/disclosure/{item.pk}/holdings/").status_code == 403
    assert not AuditRecord.objects.filter(event="export").exists()
