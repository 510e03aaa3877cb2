from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from billing.models import Consent, FeeSchedule
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory


class ConsentFactory(factory.django.DjangoModelFactory):
    """A consent keyed by one member of staff and verified by another (valid unless told otherwise)."""

    class Meta:
        model = Consent

    resident = factory.SubFactory(ResidentFactory)
    filed_on = datetime.date(2026, 4, 10)
    expires_on = datetime.date(2027, 3, 31)
    channel = Consent.Channel.COUNTER
    scope = "all"
    state = Consent.State.VERIFIED
    keyed_by = factory.SubFactory(StaffFactory)
    verified_by = factory.LazyAttribute(lambda o: StaffFactory() if o.state == Consent.State.VERIFIED else None)
    verified_at = factory.LazyAttribute(lambda o: timezone.now() if o.state == Consent.State.VERIFIED else None)


class FeeScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeSchedule

    dose_code = "flu_elderly"
    fiscal_year = 2026
    valid_from = datetime.date(2026, 4, 1)
    valid_to = datetime.date(2027, 3, 31)
    clinic_fee = 4950
    copayment = 1500


def reload_migration_reference_data() -> None:
    """Put back the reference data that migrations load (the schedule rules) after a transactional
    test's flush emptied every table, so that the tests that follow find the database as migrated."""
    import importlib

    from django.apps import apps

    Vaccine = apps.get_model("immunization", "Vaccine")
    if not Vaccine.objects.exists():
        importlib.import_module("immunization.migrations.0003_schedule_data").load(apps, None)
