"""The My Number check digit (総務省令第85号 第5条), encryption at rest, blind index and key rotation."""

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag
from django.core.exceptions import ValidationError
from django.core.management import call_command

from residents import mynumber as mn
from residents.models import MyNumber
from tests.factories.residents import ResidentFactory, give_mynumber


@pytest.mark.parametrize(
    "number",
    [
        "123456789018",  # the example used throughout published explanations of the formula
        "000000000000",  # remainder 0 -> check digit 0
        "111111111118",
        "１２３４５６７８９０１８",  # full-width digits as typed at a counter
        "1234-5678-9018",
        "1234 5678 9018",
    ],
)
def test_published_valid_numbers_pass(number):
    assert mn.validate(number) == mn.normalize(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("123456789012", "check_digit"),
        ("123456789019", "check_digit"),
        ("12345678901", "format"),
        ("1234567890123", "format"),
        ("12345678901A", "format"),
        ("", "format"),
    ],
)
def test_invalid_numbers_are_refused_in_japanese(number, code):
    with pytest.raises(ValidationError) as err:
        mn.validate(number)
    assert err.value.code == code
    assert "個人番号" in err.value.messages[0]


def test_check_digit_matches_the_ordinance_weights():
    # weights 6,5,4,3,2,7,6,5,4,3,2 from the left; remainder <= 1 gives 0
    base = "98765432101"
    total = sum(int(d) * w for d, w in zip(base, [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2], strict=True))
    expected = 0 if total % 11 <= 1 else 11 - total % 11
    assert mn.check_digit(base) == expected


def test_ciphertext_is_authenticated_and_never_returned_on_failure():
    key_id, sealed = mn.encrypt("123456789018")
    assert b"123456789018" not in sealed
    assert mn.decrypt(key_id, sealed) == "123456789018"
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(InvalidTag):
        mn.decrypt(key_id, tampered)


def test_same_number_encrypts_differently_but_indexes_equally():
    a, b = mn.encrypt("123456789018")[1], mn.encrypt("123456789018")[1]
    assert a != b
    assert mn.blind_index("123456789018") == mn.blind_index("123456789018")
    assert mn.blind_index("123456789018") != mn.blind_index("111111111118")


def test_blind_index_depends_on_the_secret_key(settings):
    before = mn.blind_index("123456789018")
    settings.MYNUMBER_INDEX_KEY = base64.b64encode(os.urandom(32)).decode()
    assert mn.blind_index("123456789018") != before


@pytest.mark.django_db
def test_key_rotation_keeps_every_number_readable(settings):
    old_keys = settings.MYNUMBER_KEYS
    old_id = settings.MYNUMBER_ACTIVE_KEY_ID
    residents = [ResidentFactory() for _ in range(5)]
    numbers = ["123456789018", "111111111118", "000000000000", "222222222225", "333333333332"]
    for r, n in zip(residents, numbers, strict=True):
        give_mynumber(r, mn.validate(n))
    new_key = base64.b64encode(os.urandom(32)).decode()
    settings.MYNUMBER_KEYS = f"{old_keys},k9:{new_key}"
    settings.MYNUMBER_ACTIVE_KEY_ID = "k9"

    call_command("rotate_mynumber_keys", chunk=2)

    assert set(MyNumber.objects.values_list("key_id", flat=True)) == {"k9"}
    for r, n in zip(residents, numbers, strict=True):
        row = MyNumber.objects.get(resident=r)
        assert mn.decrypt(row.key_id, row.ciphertext) == n
    # the old key can go: numbers stay readable with the new key alone
    settings.MYNUMBER_KEYS = f"k9:{new_key}"
    row = MyNumber.objects.get(resident=residents[0])
    assert mn.decrypt(row.key_id, row.ciphertext) == numbers[0]
    assert old_id != "k9"
