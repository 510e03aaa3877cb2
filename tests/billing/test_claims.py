"""Monthly clinic claims: exceptions hold lines back, statements add up to the yen, paid means frozen."""

from __future__ import annotations

import csv
import datetime
import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from accounts import roles
from audit.models import AuditRecord
from billing import purposes, services
from billing.models import Claim, ClaimLine
from immunization.models import VaccinationRecord
from tests.factories.accounts import StaffFactory
from tests.factories.billing import ConsentFactory, FeeScheduleFactory
from tests.factories.immunization import InstitutionFactory, RecordFactory
from tests.factories.residents import ResidentFactory, StatusFactory

from .conftest import ORIGIN

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 10)


@pytest.fixture
def world(clerk):
    """Two clinics, flu and zoster fees, and a month of records covering every kind of line."""
    verifier = StaffFactory()
    FeeScheduleFactory(dose_code="flu_elderly", clinic_fee=4950, copayment=1500)
    FeeScheduleFactory(
        dose_code="hz_live", clinic_fee=8800, copayment=4000, valid_from=datetime.date(2026, 12, 1)
    )  # none in force in November
    a = InstitutionFactory(code="2310001", name="岡崎内科クリニック")
    b = InstitutionFactory(code="2310002", name="康生町医院")

    def elder(tax: str = "課税", *, welfare: bool = False, consent: bool = True):
        r = ResidentFactory(birth_date=datetime.date(1950, 6, 1))
        StatusFactory(resident=r, kind="tax", code=tax, fiscal_year=2026)
        if welfare:
            StatusFactory(
                resident=r,
                kind="welfare",
                code="受給中",
                fiscal_year=None,
                valid_from=datetime.date(2024, 1, 1),
                valid_to=None,
            )
        if consent:
            ConsentFactory(resident=r)
        services.copayment_decide(
            resident=r,
            vaccine="flu_elderly",
            fiscal_year=2026,
            actor=clerk,
            origin=ORIGIN,
            reference_date=datetime.date(2026, 10, 1),
        )
        return r

    def record(resident, *, inst=a, collected=1500, on=NOV, dose="flu_elderly", status="verified"):
        return RecordFactory(
            resident=resident,
            dose_code=dose,
            vaccinated_on=on,
            institution=inst,
            copayment_amount=collected,
            status=status,
            verified_by=verifier if status == "verified" else None,
            verified_at=timezone.now() if status == "verified" else None,
            source="voucher",
        )

    taxed, welfare, undecided, wrong = (
        elder("課税"),
        elder(welfare=True),
        ResidentFactory(birth_date=datetime.date(1948, 2, 2)),
        elder(welfare=True),
    )
    lines = {
        "taxed": record(taxed),  # charged, collected 1,500 -> due 3,450
        "welfare": record(welfare, collected=0),  # exempt -> due 4,950
        "undecided": record(undecided),  # no decision: the co-payment applies -> due 3,450
        "mismatch": record(wrong, collected=1500),  # exempt but collected -> held
        "pending": record(elder(), status="pending"),  # not verified -> held
        "duplicate": record(taxed, on=NOV + datetime.timedelta(days=5)),  # second flu dose this season -> held
        "no_fee": record(elder(), dose="hz_live", collected=4000),  # no fee in force -> held
        "young": record(ResidentFactory(birth_date=datetime.date(1980, 1, 1))),  # under 60 -> held
        "clinic_b": record(elder("非課税"), inst=b, collected=0),  # non-taxable household -> due 4,950
    }
    return {"a": a, "b": b, "records": lines, "verifier": verifier}


def test_month_claims_hold_exceptions_and_add_up_to_the_yen(world, clerk):
    summary = services.claims_prepare(year=2026, month=11, actor=clerk, origin=ORIGIN)

    assert summary == {"claims": 2, "lines": 9, "held": 5}
    a = Claim.objects.get(institution=world["a"], year=2026, month=11)
    held = dict(a.lines.exclude(exception="").values_list("record_id", "exception"))
    recs = world["records"]
    assert held == {
        recs["mismatch"].pk: "copayment_mismatch",
        recs["pending"].pk: "unverified",
        recs["duplicate"].pk: "duplicate",
        recs["no_fee"].pk: "no_fee",
        recs["young"].pk: "not_eligible",
    }
    assert (a.line_count, a.exception_count) == (3, 5)
    assert a.fee_total == 3 * 4950
    assert a.copayment_total == 1500 + 0 + 1500
    assert a.due_total == 3450 + 4950 + 3450 == a.fee_total - a.copayment_total
    b = Claim.objects.get(institution=world["b"])
    assert (b.line_count, b.due_total) == (1, 4950)
    # every billable line reconciles, and the claim is the sum of its lines
    for c in (a, b):
        billable = list(c.lines.filter(exception=""))
        assert sum(x.amount_due for x in billable) == c.due_total
        assert all(x.amount_due == x.clinic_fee - x.copayment_expected for x in billable)

    # rebuilding the drafts gives the same result (no duplicated lines)
    services.claims_prepare(year=2026, month=11, actor=clerk, origin=ORIGIN)
    assert ClaimLine.objects.count() == 9


def test_statement_pdf_and_finance_csv_show_the_same_amounts(world, clerk):
    services.claims_prepare(year=2026, month=11, actor=clerk, origin=ORIGIN)
    a = Claim.objects.get(institution=world["a"])
    services.claim_approve(claim=a, actor=clerk, origin=ORIGIN)
    a.refresh_from_db()

    pdf = services.claim_statement_pdf(claim=a, actor=clerk, origin=ORIGIN)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "支払明細書" in text
    assert "岡崎内科クリニック" in text
    assert "令和8年11月分" in text
    assert "11,850円" in text  # due total
    assert "14,850円" in text  # fees
    assert "3,000円" in text  # co-payments the clinic collected
    assert "自己負担区分が判定と一致しない" in text  # held lines are listed by reason

    data = services.finance_csv(year=2026, month=11, actor=clerk, origin=ORIGIN)
    rows = list(csv.reader(io.StringIO(data.decode("cp932"))))
    assert rows[0][:4] == ["レコード区分", "対象年月", "医療機関コード", "医療機関名"]
    detail = [r for r in rows if r[0] == "D"]
    assert detail == [
        [
            "D",
            "202611",
            "2310001",
            "岡崎内科クリニック",
            "3",
            "14850",
            "3000",
            "11850",
            "5",
            timezone.localdate().strftime("%Y%m%d"),
            "",
            "承認済",
        ]
    ]  # clinic B is not approved yet, so not in the finance file
    trailer = rows[-1]
    assert trailer[0] == "T"
    assert int(trailer[7]) == sum(int(r[7]) for r in detail)
    assert data.endswith(b"\r\n")
    assert AuditRecord.objects.filter(event="export", purpose=purposes.CLAIMS).count() == 1
    assert AuditRecord.objects.filter(event="print", purpose=purposes.CLAIMS).count() == 1


def test_a_paid_month_cannot_be_changed(world, clerk):
    services.claims_prepare(year=2026, month=11, actor=clerk, origin=ORIGIN)
    a = Claim.objects.get(institution=world["a"])
    services.claim_approve(claim=a, actor=clerk, origin=ORIGIN)
    today = timezone.localdate()
    services.claim_mark_paid(claim=a, paid_on=today, actor=clerk, origin=ORIGIN)
    a.refresh_from_db()
    assert a.status == "paid"
    assert VaccinationRecord.objects.get(pk=world["records"]["taxed"].pk).paid_on == today
    before = list(ClaimLine.objects.order_by("id").values_list("id", "amount_due", "exception"))

    with pytest.raises(ValidationError) as err:
        services.claims_prepare(year=2026, month=11, actor=clerk, origin=ORIGIN)
    assert "支払済みの請求があるため、作り直せません" in " ".join(err.value.messages)
    assert list(ClaimLine.objects.order_by("id").values_list("id", "amount_due", "exception")) == before
    assert AuditRecord.objects.filter(event="denied", outcome="invalid", purpose=purposes.CLAIMS).exists()

    with pytest.raises(ValidationError):
        services.claim_mark_paid(claim=a, paid_on=today, actor=clerk, origin=ORIGIN)
    with pytest.raises(ValidationError):
        services.claim_unapprove(claim=a, actor=clerk, origin=ORIGIN)
    # the database refuses it too, whoever asks
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=a.pk).update(due_total=0, fee_total=0, copayment_total=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.filter(claim=a).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=a.pk).delete()


def test_a_record_held_as_unverified_is_paid_next_month_once_verified(world, clerk):
    services.claims_prepare(year=2026, month=11, actor=clerk, origin=ORIGIN)
    a = Claim.objects.get(institution=world["a"])
    services.claim_approve(claim=a, actor=clerk, origin=ORIGIN)
    services.claim_mark_paid(claim=a, paid_on=timezone.localdate(), actor=clerk, origin=ORIGIN)
    pending = world["records"]["pending"]
    VaccinationRecord.objects.filter(pk=pending.pk).update(
        status="verified", verified_by=world["verifier"], verified_at=timezone.now()
    )
    # December's run picks up November's late record; nothing already paid is paid twice
    with mock.patch("billing.services.claims.timezone.localdate", return_value=datetime.date(2027, 1, 5)):
        services.claims_prepare(year=2026, month=12, actor=clerk, origin=ORIGIN)
    dec = Claim.objects.get(institution=world["a"], year=2026, month=12)
    billable = set(dec.lines.filter(exception="").values_list("record_id", flat=True))
    assert pending.pk in billable
    assert world["records"]["taxed"].pk not in set(dec.lines.values_list("record_id", flat=True))


def test_claim_month_in_the_future_and_payment_before_approval_are_refused(world, clerk):
    with pytest.raises(ValidationError) as err:
        services.claims_prepare(year=2030, month=1, actor=clerk, origin=ORIGIN)
    assert "まだ来ていない月" in " ".join(err.value.messages)
    services.claims_prepare(year=2026, month=11, actor=clerk, origin=ORIGIN)
    a = Claim.objects.get(institution=world["a"])
    with pytest.raises(ValidationError) as err:
        services.claim_mark_paid(claim=a, paid_on=timezone.localdate(), actor=clerk, origin=ORIGIN)
    assert "承認されていない請求" in " ".join(err.value.messages)
    a.refresh_from_db()
    assert a.status == "draft"
    assert a.paid_on is None


def test_a_refused_approval_is_recorded_although_its_transaction_is_rolled_back(world, clerk):
    services.claims_prepare(year=2026, month=11, actor=clerk, origin=ORIGIN)
    a = Claim.objects.get(institution=world["a"])
    services.claim_approve(claim=a, actor=clerk, origin=ORIGIN)
    with pytest.raises(ValidationError):
        services.claim_approve(claim=a, actor=clerk, origin=ORIGIN)
    with pytest.raises(ValidationError):
        services.claim_unapprove(claim=Claim.objects.get(institution=world["b"]), actor=clerk, origin=ORIGIN)
    refused = AuditRecord.objects.filter(event="denied", outcome="invalid", purpose=purposes.CLAIMS)
    assert sorted(r.additional_data["refused"] for r in refused) == ["claim_approve", "claim_unapprove"]
    assert a.pk in [r.additional_data.get("claim") for r in refused]


def test_a_new_user_runs_claims_approves_pays_and_downloads(world, staff_client):
    client, _ = staff_client(roles.CLERK)
    assert client.post("/billing/claims/prepare/", {"year": "2026", "month": "11"}).status_code == 302
    page = client.get("/billing/claims/", {"year": "2026", "month": "11"}).content.decode()
    assert "岡崎内科クリニック" in page
    assert "11,850円" in page
    a = Claim.objects.get(institution=world["a"])
    detail = client.get(f"/billing/claims/{a.pk}/?held=1").content.decode()
    assert "自己負担区分が判定と一致しない" in detail
    assert client.post(f"/billing/claims/{a.pk}/approve/").status_code == 302
    today = timezone.localdate()
    assert client.post(f"/billing/claims/{a.pk}/paid/", {"paid_on": today.strftime("%Y%m%d")}).status_code == 302
    a.refresh_from_db()
    assert a.status == "paid"
    pdf = client.get(f"/billing/claims/{a.pk}/statement.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    csv_resp = client.get("/billing/claims/finance.csv", {"year": "2026", "month": "11"})
    assert csv_resp.status_code == 200
    assert "支払済" in csv_resp.content.decode("cp932")
    history = client.get(f"/billing/claims/institutions/{world['a'].pk}/").content.decode()
    assert "支払済" in history
    assert client.get("/billing/claims/", {"year": "x", "month": "11"}).status_code == 400
    assert client.get("/billing/claims/999999/").status_code == 404


def test_claims_are_refused_to_roles_without_the_right(staff_client):
    client, _ = staff_client(roles.ENTRY)
    assert client.get("/billing/claims/").status_code == 403
    assert client.post("/billing/claims/prepare/", {"year": "2026", "month": "11"}).status_code == 403
    assert client.get("/billing/claims/finance.csv", {"year": "2026", "month": "11"}).status_code == 403
