"""`manage.py flush` (and every browser/worker test's teardown) empties the migration-loaded rules; they come back."""

import pytest
from django.core.management import call_command

from immunization.doses import codes as dose_codes
from immunization.models import Dose, EligibilityWindow, Vaccine


@pytest.mark.django_db(transaction=True)
def test_rules_are_restored_after_a_flush():
    before = (Vaccine.objects.count(), Dose.objects.count(), EligibilityWindow.objects.count())
    call_command("flush", interactive=False, verbosity=0)
    assert (Vaccine.objects.count(), Dose.objects.count(), EligibilityWindow.objects.count()) == before
    assert Dose.objects.get(code="rsv_maternal").recurrence == "per_pregnancy"
    assert "mr_1" in dose_codes()
