from __future__ import annotations

import datetime

import factory

from residents import mynumber as mn
from residents.models import Household, MyNumber, Resident, ResidentStatus
from residents.services import resident_search_keys


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    household_no = factory.Sequence(lambda n: f"{300000000 + n:09d}")
    head_name = "岡崎　太郎"


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    atena_no = factory.Sequence(lambda n: f"{700000000 + n:09d}")
    name = "岡崎　太郎"
    name_kana = "オカザキ　タロウ"
    sex = Resident.Sex.MALE
    birth_date = datetime.date(1980, 4, 1)
    household = factory.SubFactory(HouseholdFactory)
    postal_code = "4440052"
    address = "愛知県岡崎市康生町1丁目1番地"
    town_code = "0101"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        obj = model_class(*args, **kwargs)
        resident_search_keys(obj)
        obj.save()
        return obj


def valid_mynumber(seed: int) -> str:
    base = f"{(seed * 7919 + 12345678901) % 10**11:011d}"
    return base + str(mn.check_digit(base))


def give_mynumber(resident: Resident, number: str) -> MyNumber:
    key_id, ct = mn.encrypt(number)
    return MyNumber.objects.create(resident=resident, key_id=key_id, ciphertext=ct, blind_index=mn.blind_index(number))


class StatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentStatus

    resident = factory.SubFactory(ResidentFactory)
    kind = "tax"
    code = "課税"
    fiscal_year = 2026
    valid_from = datetime.date(2026, 4, 1)
    valid_to = datetime.date(2027, 3, 31)
