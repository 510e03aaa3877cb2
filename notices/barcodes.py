"""Barcodes drawn as one SVG path each (WeasyPrint renders one path far faster than a rectangle per bar).

- Japan Post customer barcode (カスタマバーコード), japan-reference.md §7: postcode + 住所表示番号 + modulus-19
  check digit, 4-state bars.
- Code 128 (subset C, with B for odd lengths) for voucher numbers.
- QR code (segno) for the clinic-list URL.
"""

from __future__ import annotations

import re
import unicodedata

import segno

# ---------------------------------------------------------------------------------------------
# Customer barcode
# ---------------------------------------------------------------------------------------------

CB_VALUE = {**{str(i): i for i in range(10)}, "-": 10, **{f"CC{i}": 10 + i for i in range(1, 9)}}
CB_BY_VALUE = {v: k for k, v in CB_VALUE.items()}
# Bars per symbol: F full (long), A ascender (upper half), D descender (lower half), T timing (short).
CB_BARS = {
    "1": "FFT",
    "2": "FDA",
    "3": "DFA",
    "4": "FAD",
    "5": "FTF",
    "6": "DAF",
    "7": "AFD",
    "8": "ADF",
    "9": "TFF",
    "0": "FTT",
    "-": "TFT",
    "CC1": "DAT",
    "CC2": "DTA",
    "CC3": "ADT",
    "CC4": "TDA",
    "CC5": "ATD",
    "CC6": "TAD",
    "CC7": "TTF",
    "CC8": "FFF",
}
CB_START, CB_STOP = "FD", "DF"

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_NUM = "〇一二三四五六七八九十百千"
# A number followed by one of these is an address number; what precedes the first such number is 住所A.
_NUMBER_SUFFIX = "(?:丁目|丁|番地|番(?!町)|号|地割|線|の|ノ|-|－|‐|−)"
_KANJI_NUMBER_RE = re.compile(f"([{_KANJI_NUM}]+)(?={_NUMBER_SUFFIX})")


def _kanji_to_int(text: str) -> int:
    """二十三 -> 23, 百五 -> 105, 三〇 -> 30 (positional when no unit characters)."""
    if not any(ch in "十百千" for ch in text):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def address_number(address: str, katagaki: str = "") -> str:
    """The 住所表示番号 (address part of the barcode data), per Japan Post's extraction rules (§7.2).

    The 町域 (住所A) ends where the first address number begins; kanji numerals before 丁目/番地/号…
    become digits; then digits, hyphens and single letters are kept and everything else becomes one hyphen.
    """
    text = unicodedata.normalize("NFKC", f"{address}{katagaki}")
    text = _KANJI_NUMBER_RE.sub(lambda m: str(_kanji_to_int(m.group(1))), text)
    m = re.search(r"[0-9]", text)
    if not m:
        return ""
    part = text[m.start() :].upper()
    part = re.sub(r"[&/・.]", "", part)
    out: list[str] = []
    i = 0
    while i < len(part):
        ch = part[i]
        if ch.isdigit() and ch.isascii():
            out.append(ch)
        elif ch == "-":
            out.append("-")
        elif "A" <= ch <= "Z":
            run = re.match(r"[A-Z]+", part[i:]).group(0)  # type: ignore[union-attr]
            if len(run) == 1:
                if out and out[-1] == "-":
                    out.pop()  # a hyphen before a letter is dropped (3-20-5-B604 -> 3-20-5B604)
                out.append(ch)
            else:
                out.append("-")
            i += len(run)
            continue
        else:
            out.append("-")
        i += 1
    data = re.sub("-+", "-", "".join(out)).strip("-")
    return data


def cb_symbols(zip7: str, addr: str) -> list[str]:
    """The 20 data symbols: postcode (7) + address number, letters as control code + digit, CC4 padding."""
    out = list(zip7)
    for ch in addr:
        if ch.isdigit() or ch == "-":
            out.append(ch)
        elif "A" <= ch <= "J":
            out += ["CC1", str(ord(ch) - 65)]
        elif "K" <= ch <= "T":
            out += ["CC2", str(ord(ch) - 75)]
        elif "U" <= ch <= "Z":
            out += ["CC3", str(ord(ch) - 85)]
    out = out[:20]
    return out + ["CC4"] * (20 - len(out))


def cb_check(symbols: list[str]) -> str:
    return CB_BY_VALUE[(19 - sum(CB_VALUE[s] for s in symbols) % 19) % 19]


def customer_barcode_symbols(postal_code: str, address: str, katagaki: str = "") -> list[str] | None:
    """All 21 symbols (20 data + check digit), or None when no barcode may be printed.

    No barcode for a malformed postcode or a "representative" code ending in 00 (manual p18).
    """
    zip7 = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", postal_code or ""))
    if len(zip7) != 7 or zip7.endswith("00"):
        return None
    symbols = cb_symbols(zip7, address_number(address, katagaki))
    return [*symbols, cb_check(symbols)]


def customer_barcode_svg(symbols: list[str], *, pt: float = 10.0) -> str:
    """An inline SVG (mm units) with every bar in one path. At 10 pt: long 3.6, timing 1.2, pitch 1.2,
    bar width 0.6 mm; other sizes scale (8–11.5 pt allowed)."""
    k = pt / 10.0
    pitch, width, full, timing = 1.2 * k, 0.6 * k, 3.6 * k, 1.2 * k
    bars = CB_START + "".join(CB_BARS[s] for s in symbols) + CB_STOP
    parts = []
    for i, b in enumerate(bars):
        x = i * pitch
        if b == "F":
            y0, h = 0.0, full
        elif b == "A":
            y0, h = 0.0, (full + timing) / 2
        elif b == "D":
            y0, h = (full - timing) / 2, (full + timing) / 2
        else:
            y0, h = (full - timing) / 2, timing
        parts.append(f"M{x:.3f} {y0:.3f}h{width:.3f}v{h:.3f}h-{width:.3f}z")
    w = (len(bars) - 1) * pitch + width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cbar" width="{w:.3f}mm" height="{full:.3f}mm" '
        f'viewBox="0 0 {w:.3f} {full:.3f}"><path d="{"".join(parts)}" fill="#000"/></svg>'
    )


# ---------------------------------------------------------------------------------------------
# Code 128
# ---------------------------------------------------------------------------------------------

# Module widths (bar, space, bar, space, bar, space) of values 0..105, then STOP (7 elements).
_C128 = str.split(
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 "
    "122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 "
    "322112 322211 212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 "
    "112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 "
    "331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 114311 411113 "
    "411311 113141 114131 311141 411131 211412 211214 211232 2331112"
)
C128_PATTERNS = _C128[:106]
C128_STOP = _C128[106]
START_B, START_C, CODE_B, CODE_C = 104, 105, 100, 99


def code128_values(data: str) -> list[int]:
    """Symbol values including start and check (no stop): subset C for digit pairs, B for the rest."""
    if data.isdigit() and len(data) % 2 == 0:
        values = [START_C] + [int(data[i : i + 2]) for i in range(0, len(data), 2)]
    elif data.isdigit():
        values = [START_C] + [int(data[i : i + 2]) for i in range(0, len(data) - 1, 2)]
        values += [CODE_B, ord(data[-1]) - 32]
    else:
        values = [START_B] + [ord(ch) - 32 for ch in data]
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    return [*values, check]


def code128_svg(data: str, *, module_mm: float = 0.33, height_mm: float = 9.0) -> str:
    patterns = [C128_PATTERNS[v] for v in code128_values(data)] + [C128_STOP]
    x = 10.0  # quiet zone of 10 modules
    parts = []
    for pattern in patterns:
        for j, w in enumerate(pattern):
            width = int(w)
            if j % 2 == 0:
                parts.append(f"M{x:.0f} 0h{width}v1h-{width}z")
            x += width
    total = x + 10
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="c128" width="{total * module_mm:.2f}mm" '
        f'height="{height_mm}mm" viewBox="0 0 {total:.0f} 1" preserveAspectRatio="none">'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>'
    )


def code128_decode_widths(widths: list[int]) -> str:
    """Inverse of code128_svg, from bar/space module widths (used by tests reading PDFs back)."""
    lookup = {p: v for v, p in enumerate(C128_PATTERNS)}
    values = []
    i = 0
    while i + 6 <= len(widths):
        key = "".join(str(w) for w in widths[i : i + 6])
        if key not in lookup:
            break
        values.append(lookup[key])
        i += 6
    start, *body = values[:-1]
    check = values[-1]
    if (start + sum(n * v for n, v in enumerate(body, start=1))) % 103 != check:
        raise ValueError("Code128 check failed")
    out, subset = [], "C" if start == START_C else "B"
    for v in body:
        if subset == "C":
            if v == CODE_B:
                subset = "B"
            else:
                out.append(f"{v:02d}")
        elif v == CODE_C:
            subset = "C"
        else:
            out.append(chr(v + 32))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# QR
# ---------------------------------------------------------------------------------------------

_qr_cache: dict[str, str] = {}


def qr_svg(url: str, *, size_mm: float = 18.0) -> str:
    """An <img> of the QR code as a PNG data URI. The same code is on every notice: a bitmap is decoded once
    per worker (WeasyPrint's image cache) and embedded once per PDF, where an SVG path would be parsed and
    drawn again on every page (measured: a large share of render time)."""
    if url not in _qr_cache:
        uri = segno.make(url, error="m").png_data_uri(scale=8, border=1)
        _qr_cache[url] = f'<img class="qr" src="{uri}" alt="" style="width:{size_mm}mm;height:{size_mm}mm">'
    return _qr_cache[url]
