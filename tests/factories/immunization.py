from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from immunization.models import Doctor, Institution, Manufacturer, VaccinationRecord, VaccineLot
from tests.factories.residents import ResidentFactory


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{2310000 + n}")
    name = factory.Sequence(lambda n: f"岡崎こどもクリニック{n}")


class DoctorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Doctor
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{50000 + n}")
    name = factory.Sequence(lambda n: f"医師{n}")
    institution = factory.SubFactory(InstitutionFactory)


class ManufacturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manufacturer
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{10 + n}")
    name = factory.Sequence(lambda n: f"製薬{n}")


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VaccineLot
        django_get_or_create = ("manufacturer", "lot_no")

    manufacturer = factory.SubFactory(ManufacturerFactory)
    lot_no = factory.Sequence(lambda n: f"MR{1000 + n}")
    product_name = "乾燥弱毒生麻しん風しん混合ワクチン"
    vaccine = "mr"


class RecordFactory(factory.django.DjangoModelFactory):
    """A verified record by default (verified_by must be a staff member: pass one)."""

    class Meta:
        model = VaccinationRecord

    resident = factory.SubFactory(ResidentFactory)
    dose_code = "mr_1"
    vaccinated_on = datetime.date(2025, 5, 10)
    dose_volume_ml = Decimal("0.50")
    lot = factory.SubFactory(LotFactory)
    manufacturer = factory.SelfAttribute("lot.manufacturer")
    lot_no = factory.SelfAttribute("lot.lot_no")
    institution = factory.SubFactory(InstitutionFactory)
    status = VaccinationRecord.Status.VERIFIED
    verified_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
