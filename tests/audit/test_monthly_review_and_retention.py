import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import roles
from audit.chain import verify_chain
from audit.models import AuditRecord, ChainAnchor
from audit.reports import monthly_review
from audit.seals import last_seal
from audit.services import access_record
from audit.tasks import seal_chain_head
from tests.factories.residents import ResidentFactory


@pytest.mark.django_db
def test_monthly_review_counts_reveals_refusals_and_off_hours_per_user(staff_client):
    client, staff = staff_client(roles.CLERK)
    resident = ResidentFactory()
    client.get(f"/residents/{resident.pk}/")
    client.get("/audit/")  # refused
    night = timezone.localtime().replace(hour=23, minute=0)
    AuditRecord.objects.create(action=3, event="view", actor=staff, username=staff.username, timestamp=night)
    review = monthly_review(night.year, night.month)
    row = next(u for u in review.per_user if u["username"] == staff.username)
    assert row["denied"] == 1
    assert row["views"] >= 2
    assert any(r["username"] == staff.username for r in review.off_hours)
    auditor, _ = staff_client(roles.AUDITOR)
    page = auditor.get("/audit/monthly/", {"year": night.year, "month": night.month}).content.decode()
    assert staff.username in page
    assert auditor.get("/audit/monthly/", {"year": "x"}).status_code == 400


@pytest.mark.django_db
def test_retention_purge_removes_only_old_records_and_the_chain_still_verifies():
    eight_years_ago = timezone.now() - datetime.timedelta(days=365 * 8 + 2)
    for _ in range(3):
        AuditRecord.objects.create(action=3, event="view", username="old", timestamp=eight_years_ago)
    seal_chain_head()  # a seal on a record the purge will remove: not a sign of tampering afterwards
    for _ in range(2):
        access_record(event="view", purpose="最近")
    seal_chain_head()
    call_command("purge_audit_records", "--yes", stdout=io.StringIO())
    assert not AuditRecord.objects.filter(username="old").exists()
    assert AuditRecord.objects.filter(purpose="最近").count() == 2
    assert ChainAnchor.objects.count() == 1
    count, broken = verify_chain()
    assert broken is None
    assert count == AuditRecord.objects.count()
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "封印 2 件" in out.getvalue()


@pytest.mark.django_db
def test_monthly_review_warns_when_the_hourly_seal_has_stopped(staff_client):
    auditor, _ = staff_client(roles.AUDITOR)
    page = auditor.get("/audit/monthly/").content.decode()
    assert "封印がありません" in page  # the scheduler never ran
    access_record(event="view", purpose="点検")
    seal_chain_head()
    page = auditor.get("/audit/monthly/").content.decode()
    assert "正常" in page and "封印がありません" not in page
    three_hours_later = timezone.now() + datetime.timedelta(hours=3)
    assert last_seal(now=three_hours_later).overdue
    assert not last_seal().overdue
