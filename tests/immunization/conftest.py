import datetime
from dataclasses import dataclass

import pytest

from accounts import roles
from core.origin import Origin
from immunization.models import Doctor, Institution, Manufacturer, VaccineLot
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory

ORIGIN = Origin(ip="127.0.0.1")  # where the services' callers in these tests act from (the test client's)


@dataclass
class World:
    institution: Institution
    doctor: Doctor
    maker: Manufacturer
    lot: VaccineLot
    flu_lot: VaccineLot


@pytest.fixture
def masters(db) -> World:
    inst = Institution.objects.create(code="2310001", name="康生こどもクリニック")
    doctor = Doctor.objects.create(code="50001", name="康生　一郎", institution=inst)
    maker = Manufacturer.objects.create(code="11", name="第一製薬")
    lot = VaccineLot.objects.create(manufacturer=maker, lot_no="MR123", product_name="MRワクチン", vaccine="mr")
    flu = VaccineLot.objects.create(manufacturer=maker, lot_no="FL900", product_name="インフルエンザHA", vaccine="flu")
    return World(inst, doctor, maker, lot, flu)


@pytest.fixture
def child(db):
    return ResidentFactory(
        name="岡崎　はな", name_kana="オカザキ　ハナ", sex="2", birth_date=datetime.date(2024, 3, 15)
    )


@pytest.fixture
def keyer(db):
    return StaffFactory(roles=[roles.ENTRY])


@pytest.fixture
def verifier(db):
    return StaffFactory(roles=[roles.VERIFIER])


def keyed(voucher, w: World, **over) -> dict[str, str]:
    values = {
        "voucher_no": voucher.number if voucher else "",
        "atena_no": voucher.resident.atena_no if voucher else "",
        "dose_code": voucher.dose_code if voucher else "mr_1",
        "vaccinated_on": "R7.4.10",
        "institution_code": w.institution.code,
        "doctor_code": w.doctor.code,
        "manufacturer_code": w.maker.code,
        "lot_no": w.lot.lot_no,
        "dose_volume_ml": "0.5",
        "copayment_amount": "",
    }
    values.update(over)
    return values
