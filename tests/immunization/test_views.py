import datetime

import pytest

from accounts import roles
from audit.models import AuditRecord
from immunization import punch
from immunization.models import VaccinationRecord
from immunization.services import voucher_issue
from tests.factories.residents import ResidentFactory

from .conftest import keyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher(child):
    return voucher_issue(resident=child, dose_code="mr_1", issued_on=datetime.date(2025, 3, 1), batch_ref="MR1")


def test_key_then_verify_through_the_screens_and_the_keyer_is_refused(staff_client, masters, voucher):
    entry, keyer = staff_client(roles.ENTRY)
    response = entry.post("/immunization/entry/", {"label": "4月返戻", "mode": "verify", "source": "voucher"})
    batch_url = response["Location"]
    bad = entry.post(batch_url, keyed(voucher, masters, vaccinated_on="2025-02-30"))
    assert bad.status_code == 400
    assert "存在しない日付" in bad.content.decode()
    ok = entry.post(batch_url, keyed(voucher, masters), follow=True)
    assert "照合待ち" in ok.content.decode()
    record = VaccinationRecord.objects.get()

    # the entry role has no verification screen, and the keyer is refused even with the right
    assert entry.get("/immunization/verify/").status_code == 403
    keyer.groups.add(
        *__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.filter(name=roles.VERIFIER)
    )
    assert entry.post(f"/immunization/verify/{record.pk}/", {"action": "verify"}).status_code == 403
    record.refresh_from_db()
    assert record.status == "pending"

    verifier, _ = staff_client(roles.VERIFIER)
    page = verifier.get(f"/immunization/verify/{record.pk}/")
    assert voucher.resident.name in page.content.decode()
    verifier.post(f"/immunization/verify/{record.pk}/", {"action": "verify"})
    record.refresh_from_db()
    assert record.status == "verified"

    clerk, _ = staff_client(roles.CLERK)
    resident_page = clerk.get(f"/residents/{voucher.resident.pk}/").content.decode()
    assert "予防接種歴" in resident_page
    assert "照合済" in resident_page


def test_voucher_check_digit_is_checked_as_typed(staff_client, voucher):
    entry, _ = staff_client(roles.CONTRACTOR)
    wrong = voucher.number[:-1] + str((int(voucher.number[-1]) + 1) % 10)
    assert "チェックデジット" in entry.get("/immunization/entry/voucher-check/", {"voucher_no": wrong}).content.decode()
    assert (
        voucher.resident.name
        in entry.get("/immunization/entry/voucher-check/", {"voucher_no": voucher.number}).content.decode()
    )


def test_lot_search_is_limited_and_audited(staff_client, masters):
    verifier_staff = __import__("tests.factories.accounts", fromlist=["StaffFactory"]).StaffFactory()
    people = ResidentFactory.create_batch(3)
    for p in people:
        VaccinationRecord.objects.create(
            resident=p,
            dose_code="mr_1",
            vaccinated_on=datetime.date(2025, 5, 1),
            lot_no="MR123",
            lot=masters.lot,
            manufacturer=masters.maker,
            status="verified",
            verified_by=verifier_staff,
            verified_at=datetime.datetime.now(datetime.UTC),
        )
    entry, _ = staff_client(roles.ENTRY)
    assert entry.get("/immunization/lots/", {"lot_no": "MR123", "purpose": "回収"}).status_code == 403
    assert AuditRecord.objects.filter(event="denied").exists()
    clerk, _ = staff_client(roles.CLERK)
    assert clerk.get("/immunization/lots/", {"lot_no": "MR123"}).status_code == 400  # a purpose is required
    page = clerk.get("/immunization/lots/", {"lot_no": "mr123", "purpose": "製造販売業者からの回収連絡 第12号"})
    assert page.status_code == 200
    for p in people:
        assert p.atena_no in page.content.decode()
    search = AuditRecord.objects.get(event="search", purpose="製造販売業者からの回収連絡 第12号")
    assert search.additional_data["hits"] == 3
    assert AuditRecord.objects.filter(event="view", purpose__startswith="ロット番号検索").count() == 3


def test_upload_with_errors_shows_line_numbers(staff_client, masters, voucher):
    verifier, _ = staff_client(roles.VERIFIER)
    row = {
        "voucher_no": voucher.number,
        "atena_no": voucher.resident.atena_no,
        "dose_code": "mr_1",
        "vaccinated_on": "2025-04-10",
        "institution_code": masters.institution.code,
        "manufacturer_code": masters.maker.code,
        "lot_no": "MR123",
        "dose_volume_ml": "0.5",
        "copayment_amount": "0",
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("202504.csv", punch.render([row]), content_type="text/csv")
    response = verifier.post("/immunization/punch/", {"file": upload}, follow=True)
    assert response.status_code == 400
    assert "2行目: 接種日: 接種日はYYYYMMDDの8桁で記載してください" in response.content.decode()
    assert not VaccinationRecord.objects.exists()


def test_movein_list_and_menu_by_role(staff_client):
    ResidentFactory(
        birth_date=datetime.date(2022, 1, 1),
        became_resident_on=datetime.date(2026, 4, 10),
        became_resident_reason="転入",
        name="転入　こども",
    )
    ResidentFactory(
        birth_date=datetime.date(1980, 1, 1),
        became_resident_on=datetime.date(2026, 4, 10),
        became_resident_reason="転入",
        name="転入　おとな",
    )
    clerk, _ = staff_client(roles.CLERK)
    page = clerk.get("/immunization/movein/", {"date_from": "2026-04-01", "date_to": "2026-04-30"}).content.decode()
    assert "転入　こども" in page
    assert "転入　おとな" not in page
    home = clerk.get("/").content.decode()
    assert "ロット番号検索" in home
    assert "接種券パンチ入力" not in home
    assert clerk.get("/immunization/entry/").status_code == 403


def test_invalid_keying_is_audited_without_the_values(staff_client, masters, voucher):
    entry, _ = staff_client(roles.ENTRY)
    batch_url = entry.post("/immunization/entry/", {"label": "x", "mode": "verify", "source": "voucher"})["Location"]
    entry.post(batch_url, keyed(voucher, masters, lot_no="NOPE9"))
    record = AuditRecord.objects.get(outcome="invalid")
    assert record.additional_data["fields"] == ["lot_no"]
    assert "NOPE9" not in str(record.additional_data)


def test_counter_reissues_a_lost_voucher_from_the_resident_page(staff_client, voucher):
    clerk, _ = staff_client(roles.CLERK)
    page = clerk.get(f"/residents/{voucher.resident.pk}/").content.decode()
    assert voucher.number in page
    clerk.post(f"/immunization/vouchers/{voucher.pk}/reissue/", {"reason": "紛失"})
    voucher.refresh_from_db()
    assert voucher.status == "voided"
    assert voucher.replaced_by.status == "issued"
    verifier, _ = staff_client(roles.VERIFIER)
    assert (
        verifier.post(f"/immunization/vouchers/{voucher.replaced_by.pk}/reissue/", {"reason": "x"}).status_code == 403
    )
    assert "照合待ちの入力" in verifier.get("/").content.decode()
