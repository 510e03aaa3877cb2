"""Fee schedules: reference data kept by the administrator, versioned by period, never overlapping."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import roles
from audit.models import AuditRecord
from billing import selectors, services
from billing.models import FeeSchedule
from tests.factories.billing import FeeScheduleFactory

from .conftest import ORIGIN

pytestmark = pytest.mark.django_db


def test_a_mid_year_price_change_is_a_new_period_and_the_right_fee_applies_by_date(clerk):
    first = FeeScheduleFactory(valid_to=datetime.date(2026, 9, 30), clinic_fee=4950)
    second = services.fee_schedule_save(
        fee=FeeSchedule(
            dose_code="flu_elderly",
            fiscal_year=2026,
            valid_from=datetime.date(2026, 10, 1),
            valid_to=datetime.date(2027, 3, 31),
            clinic_fee=5060,
            copayment=1500,
        ),
        actor=clerk,
        origin=ORIGIN,
    )
    assert selectors.fee_for(dose_code="flu_elderly", on=datetime.date(2026, 9, 30)) == first
    assert selectors.fee_for(dose_code="flu_elderly", on=datetime.date(2026, 10, 1)) == second
    assert second.due_when_charged == 3560


def test_an_overlapping_period_is_refused_in_japanese_and_nothing_is_stored(clerk):
    FeeScheduleFactory()
    overlapping = FeeSchedule(
        dose_code="flu_elderly",
        fiscal_year=2026,
        valid_from=datetime.date(2026, 10, 1),
        valid_to=datetime.date(2027, 3, 31),
        clinic_fee=5060,
        copayment=1500,
    )
    with pytest.raises(ValidationError) as err:
        services.fee_schedule_save(fee=overlapping, actor=clerk, origin=ORIGIN)
    assert "同じワクチンの適用期間が既存の料金表と重なっています。" in err.value.messages
    assert FeeSchedule.objects.count() == 1
    assert AuditRecord.objects.filter(event="denied", outcome="invalid").exists()
    # the exclusion constraint holds even without the service
    with pytest.raises(IntegrityError), transaction.atomic():
        overlapping.save()
    # another vaccine may use the same dates
    FeeScheduleFactory(dose_code="covid_elderly")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"valid_to": datetime.date(2027, 4, 30)}, "適用期間は年度(4月1日〜翌年3月31日)の中に収めてください。"),
        (
            {"valid_from": datetime.date(2026, 5, 1), "valid_to": datetime.date(2026, 4, 30)},
            "適用終了日は適用開始日以降の日付にしてください。",
        ),
        ({"copayment": 6000}, "自己負担額は委託料を超えられません。"),
    ],
)
def test_bad_fee_periods_are_refused(clerk, changes, message):
    fields = {
        "dose_code": "flu_elderly",
        "fiscal_year": 2026,
        "valid_from": datetime.date(2026, 4, 1),
        "valid_to": datetime.date(2027, 3, 31),
        "clinic_fee": 4950,
        "copayment": 1500,
        **changes,
    }
    with pytest.raises(ValidationError) as err:
        services.fee_schedule_save(fee=FeeSchedule(**fields), actor=clerk, origin=ORIGIN)
    assert message in err.value.messages
    assert not FeeSchedule.objects.exists()


def test_the_administrator_edits_fees_in_the_console_and_overlaps_are_refused_there(staff_client):
    FeeScheduleFactory()
    client, _admin = staff_client(roles.ADMIN, is_staff=True)
    resp = client.post(
        "/console/billing/feeschedule/add/",
        {
            "dose_code": "flu_elderly",
            "fiscal_year": "2026",
            "valid_from": "2026-06-01",
            "valid_to": "2026-12-31",
            "clinic_fee": "5000",
            "copayment": "1500",
            "note": "",
        },
    )
    assert resp.status_code == 200
    assert "同じワクチンの適用期間が既存の料金表と重なっています。" in resp.content.decode()
    assert FeeSchedule.objects.count() == 1
    resp = client.post(
        "/console/billing/feeschedule/add/",
        {
            "dose_code": "hz_live",
            "fiscal_year": "2026",
            "valid_from": "2026-04-01",
            "valid_to": "2027-03-31",
            "clinic_fee": "8800",
            "copayment": "4000",
            "note": "",
        },
    )
    assert resp.status_code == 302
    assert FeeSchedule.objects.filter(dose_code="hz_live").exists()
    # the fee list is visible to the clerk; the clerk cannot edit
    clerk_client, _ = staff_client(roles.CLERK)
    assert "8,800円" in clerk_client.get("/billing/fees/").content.decode()
    assert clerk_client.get("/console/billing/feeschedule/add/").status_code in (302, 403)
