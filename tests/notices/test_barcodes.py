from __future__ import annotations

import pytest

from notices import barcodes


@pytest.mark.parametrize(
    ("zip7", "addr", "check"),
    [
        ("1000013", "1-3-2-503", "9"),  # Japan Post manual p17
        ("2630023", "3-30-8-403", "5"),
        ("0140113", "60-1", "CC8"),
        ("9100067", "3-80-25J1-2B", "9"),
    ],
)
def test_customer_barcode_check_digit_matches_japan_post_vectors(zip7, addr, check):
    assert barcodes.cb_check(barcodes.cb_symbols(zip7, addr)) == check


@pytest.mark.parametrize(
    ("address", "katagaki", "expected"),
    [
        ("千葉市稲毛区緑町3丁目30-8　郵便ビル403号", "", "3-30-8-403"),
        ("愛知県岡崎市康生町1丁目12番地5", "コーポ岡崎201号", "1-12-5-201"),
        ("東京都千代田区十番町三丁目二十番五号", "B604", "3-20-5B604"),  # kanji numerals; hyphen before letter
        ("愛知県岡崎市欠町字清水田9番地 親族方", "", "9"),
        ("愛知県岡崎市康生町", "", ""),
    ],
)
def test_address_number_follows_extraction_rules(address, katagaki, expected):
    assert barcodes.address_number(address, katagaki) == expected


def test_no_barcode_for_representative_or_malformed_postcode():
    assert barcodes.customer_barcode_symbols("4440000", "愛知県岡崎市1番地") is None
    assert barcodes.customer_barcode_symbols("44400", "愛知県岡崎市1番地") is None
    assert len(barcodes.customer_barcode_symbols("444-0052", "愛知県岡崎市康生町1番地")) == 21


def test_barcode_is_one_svg_path():
    svg = barcodes.customer_barcode_svg(barcodes.customer_barcode_symbols("4440052", "康生町1番地"))
    assert svg.count("<path") == 1
    assert svg.count("z") == 67


@pytest.mark.parametrize("data", ["123456789012", "12345678901", "0000000299", "9999999999", "NB-ABC"])
def test_code128_round_trip(data):
    widths = [int(w) for v in barcodes.code128_values(data) for w in barcodes.C128_PATTERNS[v]]
    widths += [int(w) for w in barcodes.C128_STOP]
    assert barcodes.code128_decode_widths(widths) == data
