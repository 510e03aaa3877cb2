"""Screens and the real-time endpoint, as staff and the linkage platform use them."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from audit.models import AuditRecord
from integration import intermediate
from integration.models import FeedSource, Inquiry
from integration.services import sources_ensure, token_set
from residents import mynumber as mn
from residents.models import Resident
from tests.factories.integration import event, newborn, registry_file, status_file
from tests.factories.residents import ResidentFactory


@pytest.fixture(autouse=True)
def _sources(db):
    sources_ensure()


def _fresh(*codes: str, hours: int = 1) -> None:
    FeedSource.objects.filter(code__in=codes).update(last_success_at=timezone.now() - datetime.timedelta(hours=hours))


@pytest.mark.django_db
def test_home_page_flags_sources_more_than_a_day_stale(staff_client):
    client, _ = staff_client(roles.CLERK)
    all_codes = list(FeedSource.objects.filter(enabled=True).values_list("code", flat=True))
    _fresh(*all_codes)
    assert "連携データが更新されていません" not in client.get("/").content.decode()

    _fresh("tax", hours=25)
    page = client.get("/").content.decode()
    assert "連携データが更新されていません" in page
    assert "住民税課税状況" in page
    assert "国民健康保険" not in page
    # staff without the feeds page see the flag but no link to it
    entry_client, _ = staff_client(roles.ENTRY)
    entry_page = entry_client.get("/").content.decode()
    assert "住民税課税状況" in entry_page
    assert "/integration/" not in entry_page


@pytest.mark.django_db
def test_status_page_needs_the_right(staff_client):
    client, _ = staff_client(roles.AUDITOR)
    assert client.get("/integration/").status_code == 403
    clerk, _ = staff_client(roles.CLERK)
    page = clerk.get("/integration/")
    assert page.status_code == 200
    assert "住民記録(異動)" in page.content.decode()


@pytest.mark.django_db
def test_upload_good_registry_and_tax_files_then_see_the_changes(staff_client):
    person = ResidentFactory(atena_no="100000777")
    client, staff = staff_client(roles.CLERK)
    reg = SimpleUploadedFile(
        "ido_20261126.csv",
        registry_file([newborn("200000777", 1), event("30", person.atena_no, 2, address="愛知県岡崎市明大寺町5番地")]),
    )
    source = FeedSource.objects.get(code="registry")
    resp = client.post("/integration/upload/", {"source": source.pk, "file": reg})
    assert resp.status_code == 302
    report = client.get(resp["Location"]).content.decode()
    assert "正常終了" in report

    tax = SimpleUploadedFile(
        "zei.csv",
        status_file(
            "tax",
            [{"atena_no": person.atena_no, "fiscal_year": "2026", "tax_class": "2", "household_exempt": "1"}],
            encoding="CP932",
        ),
    )
    client.post("/integration/upload/", {"source": FeedSource.objects.get(code="tax").pk, "file": tax})
    page = client.get(f"/residents/{person.pk}/").content.decode()
    assert "明大寺町5番地" in page
    assert "非課税" in page
    assert "feed:tax" in page
    assert Resident.objects.filter(atena_no="200000777").exists()
    assert AuditRecord.objects.filter(event="import", actor=staff).count() == 2


@pytest.mark.django_db
def test_upload_bad_file_shows_the_line_numbered_report(staff_client):
    client, _ = staff_client(roles.CLERK)
    bad = SimpleUploadedFile("ido_bad.csv", registry_file([newborn("200000778", 1), event("20", "999999997", 2)]))
    resp = client.post(
        "/integration/upload/", {"source": FeedSource.objects.get(code="registry").pk, "file": bad}, follow=True
    )
    text = resp.content.decode()
    assert "取り込めませんでした" in text
    assert "4行目: 転出: 宛番号 999999997 の住民が住民記録にありません。" in text
    assert not Resident.objects.filter(atena_no="200000778").exists()


@pytest.mark.django_db
def test_upload_refused_without_run_right(staff_client):
    client, _ = staff_client(roles.SUPERVISOR)
    data = SimpleUploadedFile("x.csv", b"x")
    assert client.post("/integration/upload/", {"source": 1, "file": data}).status_code == 403


@pytest.mark.django_db
def test_realtime_endpoint_authenticates_each_system_and_is_idempotent(client):
    source = FeedSource.objects.get(code="registry")
    token_set(source=source, token="registry-secret-1")
    url = "/integration/api/feeds/registry/events/"
    message = {"message_id": "MSG-1", "events": [newborn("200000881", 1)]}

    denied = client.post(url, json.dumps(message), content_type="application/json", HTTP_AUTHORIZATION="Bearer wrong")
    assert denied.status_code == 401
    assert not Resident.objects.filter(atena_no="200000881").exists()
    assert client.post("/integration/api/feeds/tax/events/", "{}", content_type="application/json").status_code == 404

    ok = client.post(
        url, json.dumps(message), content_type="application/json", HTTP_AUTHORIZATION="Bearer registry-secret-1"
    )
    assert ok.status_code == 200
    assert ok.json()["applied"] == 1
    again = client.post(
        url, json.dumps(message), content_type="application/json", HTTP_AUTHORIZATION="Bearer registry-secret-1"
    )
    assert (again.status_code, again.json()["applied"], again.json()["unchanged"]) == (200, 0, 1)

    extra = {"message_id": "MSG-2", "events": [{**newborn("200000882", 2), "mynumber": "1"}]}
    bad = client.post(
        url, json.dumps(extra), content_type="application/json", HTTP_AUTHORIZATION="Bearer registry-secret-1"
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0] == {"line": 1, "message": "この様式で認められていない項目があります: mynumber"}
    malformed = client.post(
        url, "not json", content_type="application/json", HTTP_AUTHORIZATION="Bearer registry-secret-1"
    )
    assert malformed.status_code == 400
    assert not Resident.objects.filter(atena_no="200000882").exists()


@pytest.mark.django_db
def test_inquiry_from_the_resident_page_and_refusal_of_unpermitted_item(staff_client, numbered_resident, sim):
    resident, number = numbered_resident(31)
    history = {"records": [{"vaccine": "MR", "dose": "1期", "date": "2023-05-01", "city": "豊田市"}]}
    sim.register_provider_copy(item_code="vaccination_history", blind_index=mn.blind_index(number), payload=history)
    client, _ = staff_client(roles.MYNUMBER)
    page = client.get(f"/residents/{resident.pk}/").content.decode()
    assert "情報照会(情報提供ネットワーク)" in page

    resp = client.post(
        f"/integration/residents/{resident.pk}/inquiries/",
        {
            "inquiry-item": "vaccination_history",
            "inquiry-business": "予防接種記録の管理",
            "inquiry-purpose": "転入者の接種歴",
        },
        follow=True,
    )
    assert "豊田市" in resp.content.decode()
    refused = client.post(
        f"/integration/residents/{resident.pk}/inquiries/",
        {"inquiry-item": "local_tax", "inquiry-business": "健康被害の救済"},
        follow=True,
    )
    assert "照会許可用照合リストにない照会です" in refused.content.decode()
    assert Inquiry.objects.count() == 1
    clerk, _ = staff_client(roles.CLERK)
    assert "情報照会(情報提供ネットワーク)" not in clerk.get(f"/residents/{resident.pk}/").content.decode()
    assert clerk.post(f"/integration/residents/{resident.pk}/inquiries/", {}).status_code == 403


@pytest.mark.django_db
def test_supervisor_approves_a_queued_answer_on_screen(staff_client, numbered_resident, sim):
    resident, _ = numbered_resident(32)
    intermediate.copy_register(resident=resident, item_code="relief_benefit", payload={"benefit": "障害年金"})
    link = intermediate.link_ensure(resident=resident)
    req = intermediate.provision_receive(
        request_id="Q-9",
        requester="名古屋市長",
        requester_business="給付の調整",
        item_code="relief_benefit",
        unified_no=link.unified_no,
    )
    clerk, _ = staff_client(roles.CLERK)
    assert clerk.get("/integration/approvals/").status_code == 403
    client, boss = staff_client(roles.SUPERVISOR)
    page = client.get("/integration/approvals/").content.decode()
    assert "名古屋市長" in page
    assert "承認待ち(1 件)" in page
    client.post(f"/integration/approvals/{req.pk}/decide/", {"decision": "approve", "note": "確認"})
    req.refresh_from_db()
    assert req.status == "approved"
    assert req.decided_by == boss
    assert sim.answers_received("Q-9")[0]["data"] == {"benefit": "障害年金"}
    assert client.post(f"/integration/approvals/{req.pk}/decide/", {"decision": "maybe"}).status_code == 400
    assert client.post("/integration/approvals/99999/decide/", {"decision": "approve"}).status_code == 404


@pytest.mark.django_db
def test_jukinet_page_verifies_without_showing_the_number(staff_client, numbered_resident):
    resident, number = numbered_resident(33)
    client, _ = staff_client(roles.MYNUMBER)
    form = {
        "mynumber": number,
        "name": "岡崎　太郎",
        "sex": "1",
        "birth_date": "昭和55年4月1日",
        "address": "岡崎市康生町1丁目1番地",
    }
    page = client.post("/integration/jukinet/", form).content.decode()
    assert "一致" in page
    assert "本人確認情報と一致しました" in page
    assert number not in page
    wrong = client.post("/integration/jukinet/", {**form, "sex": "2"}).content.decode()
    assert "不一致" in wrong
    assert client.post("/integration/jukinet/", {**form, "birth_date": "2月30日"}).status_code == 400
    clerk, _ = staff_client(roles.CLERK)
    assert clerk.get("/integration/jukinet/").status_code == 403
    assert (
        AuditRecord.objects.filter(
            event="mynumber_use", purpose="住基ネット本人確認", subject_atena=resident.atena_no
        ).count()
        == 2
    )
