"""Daily status feeds into the register's status history: every format, bad files, replay, order."""

from __future__ import annotations

import datetime

import pytest

from core.origin import Origin
from integration.models import FeedRun
from integration.services import feed_import, sources_ensure
from residents.models import ResidentStatus
from residents.selectors import status_as_of
from tests.factories.integration import status_file
from tests.factories.residents import ResidentFactory

D = datetime.date

GOOD = {
    "tax": ({"fiscal_year": "2026", "tax_class": "2", "household_exempt": "1"}, "tax", "非課税", D(2026, 4, 1)),
    "welfare": (
        {"benefit_type": "1", "welfare_class": "1", "start_date": "20260501"},
        "welfare",
        "受給中",
        D(2026, 5, 1),
    ),
    "nhi": ({"insured_no": "12345678", "acquired_on": "20250401"}, "nhi", "被保険者", D(2025, 4, 1)),
    "late_elderly": ({"insured_no": "87654321", "acquired_on": "20240601"}, "late_elderly", "被保険者", D(2024, 6, 1)),
    "ltc": ({"care_level": "22", "cert_from": "20260101", "cert_to": "20261231"}, "ltc", "要介護2", D(2026, 1, 1)),
    "disability": (
        {"certificate_type": "1", "grade": "3", "issued_on": "20200303"},
        "disability",
        "身体3級",
        D(2020, 3, 3),
    ),
    "dv": (
        {
            "support_type": "1",
            "start_date": "20260601",
            "mail_postal_code": "4440001",
            "mail_address": "岡崎市十王町2-9 気付",
        },
        "dv",
        "支援対象",
        D(2026, 6, 1),
    ),
    "mailing": (
        {
            "mail_item": "0",
            "valid_from": "20260701",
            "postal_code": "444-0011",
            "address": "岡崎市欠町3番地",
            "addressee": "岡崎　次郎",
        },
        "mailing",
        "送付先あり",
        D(2026, 7, 1),
    ),
}
BAD_CODE = {
    "tax": ("tax_class", "9", "課税区分コード '9'"),
    "welfare": ("welfare_class", "7", "保護状態コード '7'"),
    "nhi": ("insured_no", "12AB", "被保険者番号"),
    "late_elderly": ("acquired_on", "2024-06-01", "資格取得日"),
    "ltc": ("care_level", "26", "要介護状態区分コード '26'"),
    "disability": ("grade", "9", "等級 '9'"),
    "dv": ("support_type", "5", "支援措置区分コード '5'"),
    "mailing": ("mail_item", "8", "送付先の税目コード '8'"),
}


@pytest.fixture(autouse=True)
def _sources(db):
    sources_ensure()


def go(source: str, data: bytes) -> FeedRun:
    return feed_import(
        source_code=source,
        data=data,
        filename=f"{source}.csv",
        trigger="command",
        actor=None,
        origin=Origin.command(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("source", sorted(GOOD))
def test_good_file_adds_status_rows_and_replay_adds_nothing(source):
    person = ResidentFactory()
    fields, kind, code, start = GOOD[source]
    data = status_file(source, [{"atena_no": person.atena_no, **fields}], encoding="CP932")

    first = go(source, data)
    assert first.status == "succeeded", first.errors
    assert first.applied == 1
    held = status_as_of(person, kind, start)
    assert held is not None
    assert held.code == code
    assert held.source == f"feed:{source}"

    again = go(source, data)
    assert (again.status, again.applied, again.unchanged) == ("succeeded", 0, 1)
    assert ResidentStatus.objects.filter(resident=person, kind=kind).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("source", sorted(BAD_CODE))
def test_unknown_code_rejects_the_whole_file(source):
    good_person, bad_person = ResidentFactory(), ResidentFactory()
    fields = GOOD[source][0]
    column, value, text = BAD_CODE[source]
    data = status_file(
        source,
        [{"atena_no": good_person.atena_no, **fields}, {"atena_no": bad_person.atena_no, **fields, column: value}],
    )
    result = go(source, data)
    assert result.status == "failed"
    assert [e["line"] for e in result.errors] == [4]
    assert text in result.errors[0]["message"]
    assert not ResidentStatus.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("source", sorted(GOOD))
def test_extra_or_missing_column_and_unknown_atena_are_rejected(source):
    person = ResidentFactory()
    fields = GOOD[source][0]
    columns = ["atena_no", *fields]
    from integration.status_feed import STATUS_FORMATS

    allowed = list(STATUS_FORMATS[source].columns)
    extra = go(source, status_file(source, [{"atena_no": person.atena_no, **fields}], columns=[*allowed, "name"]))
    assert extra.status == "failed"
    assert "認められていない項目があります: name" in extra.errors[0]["message"]
    missing = go(source, status_file(source, [{"atena_no": person.atena_no}], columns=allowed[:-1]))
    assert missing.status == "failed"
    assert extra.errors[0]["line"] == missing.errors[0]["line"] == 2
    unknown = go(source, status_file(source, [{"atena_no": "999999999", **fields}]))
    assert unknown.errors == [{"line": 3, "message": "宛番号 999999999 の住民が住民記録にありません。"}]
    assert not ResidentStatus.objects.exists()
    assert columns  # the good columns are a subset of the format


@pytest.mark.django_db
def test_correction_adds_a_newer_row_and_keeps_the_old():
    person = ResidentFactory()
    go(
        "tax",
        status_file(
            "tax", [{"atena_no": person.atena_no, "fiscal_year": "2026", "tax_class": "1", "household_exempt": "0"}]
        ),
    )
    go(
        "tax",
        status_file(
            "tax",
            [{"atena_no": person.atena_no, "fiscal_year": "2026", "tax_class": "2", "household_exempt": "1"}],
            created=datetime.datetime(2026, 11, 27, 6, 0),  # noqa: DTZ001
        ),
    )
    rows = ResidentStatus.objects.filter(resident=person, kind="tax").order_by("id")
    assert [r.code for r in rows] == ["課税", "非課税"]
    assert status_as_of(person, "tax", D(2026, 6, 1)).code == "非課税"


@pytest.mark.django_db
def test_an_older_file_after_a_newer_one_is_reported_not_applied():
    person = ResidentFactory()
    newer = datetime.datetime(2026, 11, 27, 6, 0)  # noqa: DTZ001
    older = datetime.datetime(2026, 11, 20, 6, 0)  # noqa: DTZ001
    row = {"atena_no": person.atena_no, "fiscal_year": "2026", "household_exempt": "0"}
    go("tax", status_file("tax", [{**row, "tax_class": "2"}], created=newer))
    late = go("tax", status_file("tax", [{**row, "tax_class": "1"}], created=older))
    assert (late.status, late.applied, late.stale) == ("succeeded", 0, 1)
    assert "古い" in late.notes[0]["message"]
    assert status_as_of(person, "tax", D(2026, 6, 1)).code == "非課税"


@pytest.mark.django_db
def test_period_ending_before_it_starts_and_duplicate_rows_are_rejected():
    person = ResidentFactory()
    bad = go(
        "ltc",
        status_file(
            "ltc", [{"atena_no": person.atena_no, "care_level": "21", "cert_from": "20260101", "cert_to": "20251231"}]
        ),
    )
    assert "終了日" in bad.errors[0]["message"]
    row = {"atena_no": person.atena_no, "fiscal_year": "2026", "tax_class": "1", "household_exempt": "0"}
    dup = go("tax", status_file("tax", [row, row]))
    assert dup.errors[0]["line"] == 4
    assert "重複" in dup.errors[0]["message"]


ENVELOPE_CASES = {
    "truncated": (lambda d: d.rsplit(b"#END", 1)[0], 3, "途中で切れています"),
    "count_mismatch": (lambda d: d.replace(b"#END,1", b"#END,2"), 4, "途中で切れています"),
    "no_control_record": (lambda d: d.split(b"\r\n", 1)[1], 1, "管理レコード"),
    "other_sources_format": (lambda d: d.replace(b"#OKZLINK,", b"#OKZLINK,X", 1), 1, "様式が X"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("source", sorted(GOOD))
@pytest.mark.parametrize("case", sorted(ENVELOPE_CASES))
def test_broken_files_are_rejected_with_the_line(source, case):
    person = ResidentFactory()
    data = status_file(source, [{"atena_no": person.atena_no, **GOOD[source][0]}])
    mutate, line, text = ENVELOPE_CASES[case]
    result = go(source, mutate(data))
    assert result.status == "failed"
    assert result.errors[0]["line"] == line
    assert text in result.errors[0]["message"]
    assert not ResidentStatus.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["dv", "mailing"])
def test_wrong_encoding_is_rejected(source):
    person = ResidentFactory()
    cp932 = status_file(source, [{"atena_no": person.atena_no, **GOOD[source][0]}], encoding="CP932")
    utf8 = status_file(source, [{"atena_no": person.atena_no, **GOOD[source][0]}], encoding="UTF-8")
    as_utf8 = go(source, cp932.replace(b",CP932,", b",UTF-8,", 1))
    as_cp932 = go(source, utf8.replace(b",UTF-8,", b",CP932,", 1))
    assert as_utf8.errors[0]["line"] == 3
    assert "UTF-8 として読めない" in as_utf8.errors[0]["message"]
    assert as_cp932.errors[0]["line"] == 1
    assert "内容は UTF-8" in as_cp932.errors[0]["message"]
    assert not ResidentStatus.objects.exists()
