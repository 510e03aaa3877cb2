"""The My Number (個人番号): check digit, encryption at rest and the keyed blind index.

- Check digit: 総務省令第85号 第5条 (see japan-reference.md §8.1).
- Encryption: AES-256-GCM with a random 96-bit nonce; the key id is stored beside the ciphertext and
  bound into the authenticated data, so keys rotate (`rotate_mynumber_keys`) without downtime.
- Blind index: HMAC-SHA256 under a separate key, for exact search; the number itself is never stored
  or compared in clear.
Nothing here checks permissions: only `residents.services.mynumber_reveal` hands a number to a person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError


def check_digit(base11: str) -> int:
    """The check digit of an 11-digit base: weights 6,5,4,3,2,7,6,5,4,3,2 from the left, mod 11."""
    total = sum(int(base11[-n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def normalize(raw: str) -> str:
    """Full-width digits, spaces and hyphens are accepted as typed; the result is 12 ASCII digits or ''."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if ch not in " -\u3000\t")


def validate(raw: str) -> str:
    """Return the normalized number or raise ValidationError with a Japanese message."""
    number = normalize(raw)
    if not number.isdigit() or len(number) != 12:
        raise ValidationError("個人番号は12桁の数字で入力してください。", code="format")
    if check_digit(number[:11]) != int(number[11]):
        raise ValidationError("個人番号の検査用数字が正しくありません。入力を確認してください。", code="check_digit")
    return number


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    active_id: str
    index_key: bytes


def _decode_key(b64: str, what: str) -> bytes:
    key = base64.b64decode(b64)
    if len(key) != 32:
        raise ValueError(f"{what} must be 32 bytes (base64)")
    return key


@lru_cache(maxsize=4)
def _keyring(keys_setting: str, active_id: str, index_setting: str) -> Keyring:
    keys = {}
    for part in keys_setting.split(","):
        key_id, _, b64 = part.strip().partition(":")
        keys[key_id] = _decode_key(b64, f"MYNUMBER_KEYS[{key_id}]")
    if active_id not in keys:
        raise ValueError("MYNUMBER_ACTIVE_KEY_ID is not among MYNUMBER_KEYS")
    return Keyring(keys=keys, active_id=active_id, index_key=_decode_key(index_setting, "MYNUMBER_INDEX_KEY"))


def keyring() -> Keyring:
    return _keyring(settings.MYNUMBER_KEYS, settings.MYNUMBER_ACTIVE_KEY_ID, settings.MYNUMBER_INDEX_KEY)


def blind_index(number: str) -> str:
    """Keyed HMAC of the normalized number (hex): equal numbers give equal indexes, nothing more."""
    return hmac.new(keyring().index_key, number.encode("ascii"), hashlib.sha256).hexdigest()


def encrypt(number: str, *, key_id: str | None = None) -> tuple[str, bytes]:
    ring = keyring()
    key_id = key_id or ring.active_id
    nonce = os.urandom(12)
    sealed = AESGCM(ring.keys[key_id]).encrypt(nonce, number.encode("ascii"), key_id.encode())
    return key_id, nonce + sealed


def decrypt(key_id: str, ciphertext: bytes) -> str:
    """Raises cryptography's InvalidTag on a wrong key or tampered data: never returns ciphertext."""
    data = bytes(ciphertext)
    return AESGCM(keyring().keys[key_id]).decrypt(data[:12], data[12:], key_id.encode()).decode("ascii")


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()
