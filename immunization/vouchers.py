"""Voucher numbers (接種券番号): 9-digit serial + 1 check digit (Luhn, mod 10).

Luhn catches every single-digit typo and almost every swap of neighbouring digits, which are the errors
of keying a number from paper; the entry form checks it as the operator types (static/js/immunization.js
repeats the same arithmetic) and the server checks it again.
"""

from __future__ import annotations

import unicodedata

SERIAL_DIGITS = 9
NUMBER_DIGITS = SERIAL_DIGITS + 1


def luhn_check_digit(digits: str) -> int:
    total = 0
    # From the right, double every second digit starting with the one next to the (missing) check digit.
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def voucher_number_make(serial: int) -> str:
    if not 0 < serial < 10**SERIAL_DIGITS:
        raise ValueError(f"接種券の通し番号は1〜{10**SERIAL_DIGITS - 1}です: {serial}")
    base = f"{serial:0{SERIAL_DIGITS}d}"
    return base + str(luhn_check_digit(base))


def voucher_number_normalize(text: str) -> str:
    """Full-width digits, spaces and hyphens as staff type them -> plain digits."""
    t = unicodedata.normalize("NFKC", text or "")
    return t.replace("-", "").replace(" ", "").strip()


def voucher_number_valid(text: str) -> bool:
    t = voucher_number_normalize(text)
    if len(t) != NUMBER_DIGITS or not t.isascii() or not t.isdigit():
        return False
    return luhn_check_digit(t[:-1]) == int(t[-1])


def voucher_number_problem(text: str) -> str:
    """A Japanese message for a wrong number, or "" when it is valid."""
    t = voucher_number_normalize(text)
    if not t:
        return "接種券番号を入力してください。"
    if not t.isascii() or not t.isdigit():
        return "接種券番号は数字で入力してください。"
    if len(t) != NUMBER_DIGITS:
        return f"接種券番号は{NUMBER_DIGITS}桁です(入力は{len(t)}桁)。"
    if not voucher_number_valid(t):
        return "接種券番号のチェックデジットが一致しません。番号を確かめてください。"
    return ""
