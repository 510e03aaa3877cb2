import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from immunization.models import Voucher
from immunization.services import voucher_issue, voucher_issue_bulk, voucher_reissue, voucher_replace
from immunization.vouchers import voucher_number_make, voucher_number_problem, voucher_number_valid
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory

from .conftest import ORIGIN

ISSUED = datetime.date(2026, 4, 1)


def test_number_has_a_check_digit_that_catches_typos_and_swaps():
    number = voucher_number_make(12345)
    assert len(number) == 10
    assert number.startswith("000012345")
    assert voucher_number_valid(number)
    assert voucher_number_valid("０００" + number[3:])  # full-width digits as typed on a Japanese IME
    for i in range(10):
        typo = number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :]
        assert not voucher_number_valid(typo)
    swapped = number[:5] + number[6] + number[5] + number[7:]
    assert swapped == number or not voucher_number_valid(swapped)
    assert "チェックデジット" in voucher_number_problem(number[:-1] + str((int(number[-1]) + 3) % 10))
    assert "10桁" in voucher_number_problem("12345")


@pytest.mark.django_db
def test_issue_twice_in_the_same_batch_returns_the_first_voucher():
    resident = ResidentFactory()
    first = voucher_issue(resident=resident, dose_code="mr_2", issued_on=ISSUED, batch_ref="B1")
    again = voucher_issue(resident=resident, dose_code="mr_2", issued_on=ISSUED, batch_ref="B1")
    assert first.pk == again.pk
    assert voucher_number_valid(first.number)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.create(
            number=voucher_number_make(999), resident=resident, dose_code="mr_2", issued_on=ISSUED, batch_ref="B1"
        )


@pytest.mark.django_db
def test_bulk_issue_is_idempotent_per_batch():
    people = ResidentFactory.create_batch(5)
    items = [(p.pk, "flu_elderly", "課税") for p in people]
    assert voucher_issue_bulk(items=items, issued_on=ISSUED, batch_ref="FLU-2026") == 5
    assert voucher_issue_bulk(items=items, issued_on=ISSUED, batch_ref="FLU-2026") == 0
    numbers = list(Voucher.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 5
    assert all(voucher_number_valid(n) for n in numbers)
    assert voucher_issue_bulk(items=items[:2], issued_on=ISSUED, batch_ref="FLU-2026-2") == 2


@pytest.mark.django_db
def test_reissue_voids_the_old_voucher_and_links_the_new_one():
    staff = StaffFactory()
    old = voucher_issue(
        resident=ResidentFactory(), dose_code="hpv9_1", issued_on=ISSUED, batch_ref="B", copayment_class=""
    )
    new = voucher_reissue(voucher=old, reason="紛失", actor=staff, origin=ORIGIN)
    old.refresh_from_db()
    assert old.status == Voucher.Status.VOIDED
    assert old.void_reason == "紛失"
    assert new.replaces_id == old.pk
    assert new.number != old.number
    assert new.dose_code == "hpv9_1"
    with pytest.raises(ValidationError):
        voucher_reissue(voucher=old, reason="二度目", actor=staff, origin=ORIGIN)
    changed = voucher_replace(
        voucher=new, reason="非課税世帯と判明", actor=staff, origin=ORIGIN, copayment_class="免除"
    )
    assert changed.copayment_class == "免除"
    assert changed.replaces_id == new.pk
