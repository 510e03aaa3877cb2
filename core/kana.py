"""Search keys for names and addresses: full/half width, hiragana/katakana and spaces do not matter."""

from __future__ import annotations

import re
import unicodedata

import jaconv

_SPACES = re.compile(r"[\s\u3000・･]+")


def normalize_kana(text: str) -> str:
    """'やまだ　ﾀﾛｳ' -> 'ヤマダタロウ' (NFKC folds width, jaconv folds hiragana to katakana)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = jaconv.hira2kata(text)
    return _SPACES.sub("", text)


def normalize_text(text: str) -> str:
    """Kanji names and addresses: width folded (NFKC), spaces removed, kana folded to katakana."""
    return normalize_kana(text)


def looks_like_kana(text: str) -> bool:
    t = normalize_kana(text)
    return bool(t) and all("\u30a0" <= ch <= "\u30ff" for ch in t)


def address_key(text: str) -> str:
    """Addresses are searched from the town name: 愛知県 and 岡崎市 in front are dropped, as typed or stored."""
    return normalize_text(text).removeprefix("愛知県").removeprefix("岡崎市")
