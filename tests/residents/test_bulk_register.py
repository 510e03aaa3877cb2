"""residents.bulk.register_bulk: the one door through which many people and their My Numbers enter the register
at once (the registry's initial load)."""

from __future__ import annotations

import datetime
import json

import pytest

from audit.models import AuditRecord
from core.origin import Origin
from residents import mynumber as mn
from residents.bulk import BulkConflict, NewResident, register_bulk
from residents.models import Household, MyNumber, Resident
from residents.services import resident_search_keys
from tests.factories.residents import HouseholdFactory, ResidentFactory, give_mynumber, valid_mynumber

ORIGIN = Origin.command()


def person(i: int, household_no: str = "880000000", **over) -> NewResident:
    fields = {
        "atena_no": f"{400000000 + i}",
        "household_no": household_no,
        "name": f"一括　{i}郎",
        "name_kana": "イッカツ　イチロウ",
        "sex": "1",
        "birth_date": datetime.date(1990, 5, 1),
        "address": "愛知県岡崎市康生町1丁目1番地",
        **over,
    }
    return NewResident(**fields)


@pytest.mark.django_db
def test_registers_people_households_and_encrypted_numbers_with_one_record():
    held = HouseholdFactory(household_no="880000001", head_name="既存　世帯主")
    people = [person(1), person(2), person(3, household_no="880000001")]
    numbers = {people[0].atena_no: valid_mynumber(501), people[2].atena_no: valid_mynumber(502)}

    counts = register_bulk(
        households={"880000000": "一括　世帯主", "880000001": "別の名前"},
        residents=people,
        mynumbers=numbers,
        actor=None,
        origin=ORIGIN,
    )

    assert (counts.residents, counts.households, counts.mynumbers) == (3, 1, 2)
    first = Resident.objects.get(atena_no=people[0].atena_no)
    assert first.status == Resident.Status.RESIDENT
    assert first.household.household_no == "880000000"
    assert first.household.head_name == "一括　世帯主"
    held.refresh_from_db()
    assert held.head_name == "既存　世帯主"  # a household the register holds keeps its head
    assert Resident.objects.get(atena_no=people[2].atena_no).household == held
    # the search keys are the ones every other write of the register sets
    expected = Resident(name=first.name, name_kana=first.name_kana, address=first.address)
    resident_search_keys(expected)
    assert (first.kana_key, first.given_kana_key, first.name_key, first.address_key) == (
        expected.kana_key,
        expected.given_kana_key,
        expected.name_key,
        expected.address_key,
    )
    stored = MyNumber.objects.get(resident=first)
    assert stored.blind_index == mn.blind_index(numbers[first.atena_no])
    assert mn.decrypt(stored.key_id, stored.ciphertext) == numbers[first.atena_no]
    assert numbers[first.atena_no].encode() not in bytes(stored.ciphertext)
    assert stored.identity_check == MyNumber.IdentityCheck.REGISTRY
    assert not MyNumber.objects.filter(resident__atena_no=people[1].atena_no).exists()
    record = AuditRecord.objects.get(event="batch", purpose="住民記録の一括登録")
    assert record.additional_data == {"residents": 3, "households": 1, "mynumbers": 2}
    assert all(n not in json.dumps(record.additional_data) for n in numbers.values())
    # ids come from the tables' own sequences: the next ordinary write does not collide
    assert ResidentFactory().pk > max(Resident.objects.exclude(atena_no__startswith="7").values_list("pk", flat=True))


@pytest.mark.django_db
def test_collisions_with_the_register_write_nothing_and_never_name_the_number():
    taken = ResidentFactory(atena_no="400000001")
    taken_number = valid_mynumber(601)
    give_mynumber(ResidentFactory(), taken_number)
    bad_digit = valid_mynumber(602)[:11] + str((int(valid_mynumber(602)[11]) + 1) % 10)
    people = [person(1), person(2), person(3), person(4)]
    numbers = {people[1].atena_no: taken_number, people[2].atena_no: bad_digit, people[3].atena_no: taken_number}

    with pytest.raises(BulkConflict) as caught:
        register_bulk(households={"880000000": ""}, residents=people, mynumbers=numbers, actor=None, origin=ORIGIN)

    got = [(c.atena_no, c.message) for c in caught.value.conflicts]
    assert got == [
        (taken.atena_no, f"宛番号 {taken.atena_no} は既に住民記録にあります。"),
        (people[1].atena_no, "この個人番号は既に別の住民に登録されています。"),
        (people[2].atena_no, "個人番号の形式または検査用数字が正しくありません。"),
        (people[3].atena_no, "この個人番号は既に別の住民に登録されています。"),
    ]
    assert all(n not in message for _a, message in got for n in numbers.values())
    assert not Resident.objects.filter(atena_no__in=[p.atena_no for p in people[1:]]).exists()
    assert not Household.objects.filter(household_no="880000000").exists()
    assert not AuditRecord.objects.filter(event="batch").exists()


@pytest.mark.django_db
def test_repeats_within_one_load_are_conflicts_and_a_dry_run_writes_nothing():
    number = valid_mynumber(701)
    twice = [person(1), person(1), person(2)]
    with pytest.raises(BulkConflict) as caught:
        register_bulk(
            households={"880000000": ""},
            residents=twice,
            mynumbers={twice[0].atena_no: number, twice[2].atena_no: number},
            actor=None,
            origin=ORIGIN,
        )
    assert [c.message for c in caught.value.conflicts] == [
        f"宛番号 {twice[0].atena_no} が重複しています。",
        "個人番号が重複しています。",
    ]

    counts = register_bulk(
        households={"880000000": ""},
        residents=[person(1), person(2)],
        mynumbers={person(1).atena_no: number},
        actor=None,
        origin=ORIGIN,
        dry_run=True,
    )
    assert (counts.residents, counts.households, counts.mynumbers) == (2, 1, 1)
    assert not Resident.objects.filter(atena_no__startswith="4000000").exists()
    assert not MyNumber.objects.exists()
    assert not AuditRecord.objects.filter(event="batch").exists()
