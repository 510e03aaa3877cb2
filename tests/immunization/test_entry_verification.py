import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditRecord
from immunization import selectors
from immunization.models import EntryBatch, RecordSource, VaccinationRecord, Voucher
from immunization.services import (
    FourEyesViolation,
    entry_batch_create,
    record_key,
    record_reject,
    record_second_key,
    record_verify,
    survey_record_history,
    survey_register,
    voucher_issue,
)
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory

from .conftest import ORIGIN, keyed

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher(child):
    return voucher_issue(resident=child, dose_code="mr_1", issued_on=datetime.date(2025, 3, 1), batch_ref="MR1-2025")


def test_keyed_record_is_pending_and_does_not_count_until_verified(masters, voucher, keyer, verifier):
    batch = entry_batch_create(label="4月返戻 1箱目", actor=keyer, origin=ORIGIN)
    record = record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(voucher, masters))
    assert record.status == VaccinationRecord.Status.PENDING
    assert record.vaccinated_on == datetime.date(2025, 4, 10)
    assert selectors.past_doses(voucher.resident) == []
    assert not selectors.verified_records(resident=voucher.resident).exists()

    record_verify(record=record, actor=verifier, origin=ORIGIN)
    record.refresh_from_db()
    assert record.status == VaccinationRecord.Status.VERIFIED
    assert record.verified_by == verifier
    assert len(selectors.past_doses(voucher.resident)) == 1
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.USED


def test_verification_refused_for_the_keyer(masters, voucher, keyer):
    batch = entry_batch_create(label="4月返戻", actor=keyer, origin=ORIGIN)
    record = record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(voucher, masters))
    with pytest.raises(FourEyesViolation):
        record_verify(record=record, actor=keyer, origin=ORIGIN)
    record.refresh_from_db()
    assert record.status == VaccinationRecord.Status.PENDING
    denied = AuditRecord.objects.get(event="denied", subject_atena=voucher.resident.atena_no)
    assert denied.outcome == "denied"
    # and the database refuses it even if a caller skipped the service
    record.status, record.verified_by, record.verified_at = "verified", keyer, datetime.datetime.now(datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_bad_keying_is_refused_with_japanese_messages_and_nothing_stored(masters, voucher, keyer):
    batch = entry_batch_create(label="4月返戻", actor=keyer, origin=ORIGIN)
    wrong_digit = voucher.number[:-1] + str((int(voucher.number[-1]) + 1) % 10)
    cases = [
        ({"voucher_no": wrong_digit}, "voucher_no", "チェックデジット"),
        ({"vaccinated_on": "2025-02-30"}, "vaccinated_on", "存在しない日付"),
        ({"vaccinated_on": "2024-01-01"}, "vaccinated_on", "生年月日"),
        ({"vaccinated_on": "2099-01-01"}, "vaccinated_on", "未来"),
        ({"institution_code": "9999999"}, "institution_code", "マスタにありません"),
        ({"lot_no": "NOPE1"}, "lot_no", "ロットマスタ"),
        ({"dose_code": "mr_2"}, "dose_code", "接種券の接種コード"),
        ({"dose_volume_ml": "5"}, "dose_volume_ml", "0.05〜1.00"),
    ]
    for override, field, text in cases:
        with pytest.raises(ValidationError) as exc:
            record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(voucher, masters, **override))
        assert text in exc.value.message_dict[field][0], override
    assert not VaccinationRecord.objects.exists()


def test_voided_voucher_cannot_be_keyed(masters, voucher, keyer):
    from immunization.services import voucher_reissue

    voucher_reissue(voucher=voucher, reason="紛失", actor=keyer, origin=ORIGIN)
    batch = entry_batch_create(label="4月返戻", actor=keyer, origin=ORIGIN)
    with pytest.raises(ValidationError) as exc:
        record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(voucher, masters))
    assert "無効" in exc.value.message_dict["voucher_no"][0]


def test_double_entry_matching_verifies_and_mismatch_waits_side_by_side(masters, child, keyer):
    second = StaffFactory(roles=["入力担当"])
    verifier = StaffFactory(roles=["照合担当"])
    v1 = voucher_issue(resident=child, dose_code="mr_1", issued_on=datetime.date(2025, 3, 1), batch_ref="A")
    other = ResidentFactory(birth_date=datetime.date(2024, 1, 5))
    v2 = voucher_issue(resident=other, dose_code="mr_1", issued_on=datetime.date(2025, 3, 1), batch_ref="A")
    batch = entry_batch_create(label="二重入力", actor=keyer, origin=ORIGIN, mode=EntryBatch.Mode.DOUBLE)
    r1 = record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(v1, masters))
    r2 = record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(v2, masters))

    with pytest.raises(FourEyesViolation):
        record_second_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(v1, masters))

    rec, mismatches = record_second_key(
        batch=batch, actor=second, origin=ORIGIN, values=keyed(v1, masters, vaccinated_on="20250410")
    )
    assert mismatches == []
    assert rec.pk == r1.pk
    assert rec.status == "verified"
    assert rec.verified_by == second

    rec, mismatches = record_second_key(
        batch=batch, actor=second, origin=ORIGIN, values=keyed(v2, masters, lot_no="FL900")
    )
    assert mismatches == ["lot_no"]
    r2.refresh_from_db()
    assert r2.status == "pending"
    assert r2.second_keying.values["lot_no"] == "FL900"
    record_verify(record=r2, actor=verifier, origin=ORIGIN, corrections={"lot_no": "MR123"})
    r2.refresh_from_db()
    assert r2.status == "verified"


def test_reject_keeps_the_record_visible_with_reason(masters, voucher, keyer, verifier):
    batch = entry_batch_create(label="4月返戻", actor=keyer, origin=ORIGIN)
    record = record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(voucher, masters))
    with pytest.raises(ValidationError):
        record_reject(record=record, actor=verifier, origin=ORIGIN, reason="")
    record_reject(record=record, actor=verifier, origin=ORIGIN, reason="別人の接種券を入力")
    record.refresh_from_db()
    assert record.status == "rejected"
    # the voucher can be keyed again once the wrong keying is cancelled
    assert record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(voucher, masters)).status == "pending"


def test_survey_history_goes_through_the_same_verification(masters, keyer, verifier):
    mover = ResidentFactory(
        birth_date=datetime.date(2021, 6, 1),
        became_resident_on=datetime.date(2026, 4, 20),
        became_resident_reason="転入",
    )
    survey = survey_register(resident=mover, actor=keyer, origin=ORIGIN)
    with pytest.raises(ValidationError) as exc:
        survey_record_history(
            survey=survey,
            actor=keyer,
            origin=ORIGIN,
            returned_on=datetime.date(2026, 5, 10),
            doses=[
                {"dose_code": "mr_1", "vaccinated_on": "2022-06-10"},
                {"dose_code": "xx_9", "vaccinated_on": "2022-07-01"},
            ],
        )
    assert "2行目" in str(exc.value)
    assert not VaccinationRecord.objects.exists()
    batch = survey_record_history(
        survey=survey,
        actor=keyer,
        origin=ORIGIN,
        returned_on=datetime.date(2026, 5, 10),
        doses=[{"dose_code": "mr_1", "vaccinated_on": "2022-06-10"}, {"dose_code": "bcg", "vaccinated_on": ""}],
    )
    records = list(batch.records.order_by("id"))
    assert [r.source for r in records] == [RecordSource.SURVEY, RecordSource.SURVEY]
    assert records[1].date_unknown
    assert selectors.past_doses(mover) == []
    with pytest.raises(FourEyesViolation):
        record_verify(record=records[0], actor=keyer, origin=ORIGIN)
    record_verify(record=records[0], actor=verifier, origin=ORIGIN)
    assert len(selectors.past_doses(mover)) == 1


def test_a_dose_against_the_rules_is_stored_flagged_and_verified_only_knowingly(masters, keyer, verifier):
    baby = ResidentFactory(birth_date=datetime.date(2024, 10, 1))
    v = voucher_issue(resident=baby, dose_code="mr_1", issued_on=datetime.date(2025, 3, 1), batch_ref="MR1")
    batch = entry_batch_create(label="4月返戻", actor=keyer, origin=ORIGIN)
    record = record_key(batch=batch, actor=keyer, origin=ORIGIN, values=keyed(v, masters))  # MR 1期 at six months
    assert record.rules_checked
    assert record.problems
    with pytest.raises(ValidationError) as exc:
        record_verify(record=record, actor=verifier, origin=ORIGIN)
    assert "規則上の問題" in exc.value.message_dict["problems"][0]
    record_verify(record=record, actor=verifier, origin=ORIGIN, acknowledge_problems=True)
    record.refresh_from_db()
    assert record.status == "verified"
    assert record.problems
