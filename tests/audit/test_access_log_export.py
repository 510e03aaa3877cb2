import csv
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import roles
from audit.models import AuditRecord
from tests.factories.residents import ResidentFactory, give_mynumber, valid_mynumber


@pytest.fixture
def revealed(staff_client):
    client, staff = staff_client(roles.CLERK, roles.MYNUMBER)
    resident = ResidentFactory()
    give_mynumber(resident, valid_mynumber(5))
    client.post(f"/residents/{resident.pk}/mynumber/reveal/", {"purpose": "健康被害の救済"})
    return staff, resident


@pytest.mark.django_db
def test_command_writes_cp932_csv_with_the_reveal_and_audits_itself(revealed, tmp_path):
    staff, resident = revealed
    out = tmp_path / "log.csv"
    today = timezone.localdate().isoformat()
    call_command(
        "export_access_log", "--from", "2000-01-01", "--to", "2099-12-31", "--encoding", "cp932", "--output", str(out)
    )
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("cp932"))))
    assert rows[0] == ["日時", "利用者", "操作", "対象者宛番号", "事務・目的", "結果", "端末"]
    reveal = [r for r in rows if r[2] == "個人番号表示"]
    assert len(reveal) == 1
    assert reveal[0][1:5] == [staff.username, "個人番号表示", resident.atena_no, "健康被害の救済"]
    assert today[:4] in reveal[0][0]
    export = AuditRecord.objects.get(event="export")
    assert export.additional_data["rows"] == len(rows) - 1


@pytest.mark.django_db
def test_command_prints_to_standard_output_without_output(revealed, capsysbinary):
    call_command("export_access_log", "--from", "2000-01-01", "--to", "2099-12-31")
    text = capsysbinary.readouterr().out.decode("utf-8")
    assert "個人番号表示" in text


@pytest.mark.django_db
def test_auditor_downloads_the_same_from_the_screen(revealed, staff_client):
    _, resident = revealed
    auditor, staff = staff_client(roles.AUDITOR)
    assert auditor.get("/audit/").status_code == 200
    r = auditor.post("/audit/export/", {"date_from": "2000-01-01", "date_to": "2099-12-31", "encoding": "cp932"})
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment;")
    text = r.content.decode("cp932")
    assert resident.atena_no in text and "個人番号表示" in text
    assert AuditRecord.objects.filter(event="export", actor=staff).count() == 1


@pytest.mark.django_db
def test_export_with_dates_reversed_is_refused_in_japanese(staff_client):
    auditor, _ = staff_client(roles.AUDITOR)
    r = auditor.post("/audit/export/", {"date_from": "2026-05-01", "date_to": "2026-04-01", "encoding": "utf-8"})
    assert r.status_code == 400
    assert "終了日は開始日以降" in r.content.decode()
    assert not AuditRecord.objects.filter(event="export").exists()


@pytest.mark.django_db
def test_clerk_cannot_reach_the_access_log(staff_client):
    clerk, staff = staff_client(roles.CLERK)
    assert clerk.get("/audit/").status_code == 403
    assert clerk.post("/audit/export/", {"date_from": "2000-01-01", "date_to": "2099-12-31"}).status_code == 403
    assert "アクセス記録" not in clerk.get("/").content.decode()
    assert AuditRecord.objects.filter(event="denied", actor=staff).count() == 2
