"""住民記録 異動連携: good files, every kind of bad file, replays and out-of-order events."""

from __future__ import annotations

import datetime

import pytest

from audit.models import AuditRecord
from core.origin import Origin
from integration.models import FeedRun, FeedSource
from integration.services import feed_import, sources_ensure
from residents.models import Resident
from tests.factories.integration import event, newborn, registry_file
from tests.factories.residents import ResidentFactory


@pytest.fixture(autouse=True)
def _sources(db):
    sources_ensure()


def run(data: bytes, **kw) -> FeedRun:
    kw = {"actor": None, "origin": Origin.command(), **kw}
    return feed_import(source_code="registry", data=data, filename="ido.csv", trigger="command", **kw)


def lines_of(run: FeedRun) -> list[int | None]:
    return [e["line"] for e in run.errors]


@pytest.mark.django_db
def test_a_days_changes_apply_in_sequence():
    mover = ResidentFactory(atena_no="100000001", name="岡崎　一郎", name_kana="オカザキ　イチロウ")
    elder = ResidentFactory(atena_no="100000002", birth_date=datetime.date(1930, 5, 5))
    renamed = ResidentFactory(atena_no="100000003", name="矢作　花子", name_kana="ヤハギ　ハナコ", sex="2")
    data = registry_file(
        [
            newborn("200000001", 11),
            event(
                "11",
                "200000002",
                12,
                resident_type="2",
                name="グエン　ヴァン　アン",
                name_kana="グエン　ヴァンアン",
                sex="1",
                birth_date="19990102",
                household_no="880000002",
                head_name="グエン　ヴァン　アン",
                relation1="世帯主",
                postal_code="4448601",
                address="愛知県岡崎市十王町2丁目9番地",
                prev_address="愛知県豊田市西町1-1",
            ),
            event(
                "30",
                mover.atena_no,
                13,
                postal_code="4440011",
                address="愛知県岡崎市欠町字清水田3番地",
                katagaki="コーポ岡崎101号",
                town_code="0203",
            ),
            event("31", renamed.atena_no, 14, name="大樹寺　花子", name_kana="ダイジュウジ　ハナコ"),
            event("21", elder.atena_no, 15, event_date="20261118"),
            event("20", mover.atena_no, 16, event_date="20261125", next_address="東京都世田谷区1-2-3"),
        ]
    )
    result = run(data)

    assert result.status == "succeeded", result.errors
    assert (result.records, result.applied, result.unchanged, result.stale) == (6, 6, 0, 0)
    baby = Resident.objects.get(atena_no="200000001")
    assert baby.household.household_no == "880000001"
    assert baby.became_resident_reason == "出生"
    assert baby.kana_key == "オカザキヒナ"  # search keys filled
    assert Resident.objects.get(atena_no="200000002").became_resident_reason == "転入"
    mover.refresh_from_db()
    assert mover.status == "moved_out"
    assert mover.prev_address == "愛知県岡崎市康生町1丁目1番地"
    assert mover.address == "愛知県岡崎市欠町字清水田3番地"
    assert mover.next_address == "東京都世田谷区1-2-3"
    assert mover.ceased_on == datetime.date(2026, 11, 25)
    elder.refresh_from_db()
    assert (elder.status, elder.ceased_on) == ("deceased", datetime.date(2026, 11, 18))
    renamed.refresh_from_db()
    assert renamed.name == "大樹寺　花子"
    assert renamed.kana_key == "ダイジュウジハナコ"
    # audited: one import record for the run, auditlog before/after for each change
    imp = AuditRecord.objects.get(event="import")
    assert imp.additional_data["applied"] == 6
    assert AuditRecord.objects.filter(object_pk=str(renamed.pk), action=1).exists()
    source = FeedSource.objects.get(code="registry")
    assert source.last_success_at is not None


@pytest.mark.django_db
def test_cp932_file_is_accepted():
    result = run(registry_file([newborn("200000011", 1, name="髙橋　﨑子")], encoding="CP932"))
    assert result.status == "succeeded", result.errors
    assert Resident.objects.get(atena_no="200000011").name == "髙橋　﨑子"


@pytest.mark.django_db
def test_replayed_file_changes_nothing():
    data = registry_file([newborn("200000021", 1), event("30", "200000021", 2, address="愛知県岡崎市明大寺町1番地")])
    first = run(data)
    person = Resident.objects.get(atena_no="200000021")
    stamp = person.updated_at
    changes = AuditRecord.objects.filter(content_type__model="resident").count()

    again = run(data)

    assert first.applied == 2
    assert (again.status, again.applied, again.unchanged) == ("succeeded", 0, 2)
    person.refresh_from_db()
    assert person.updated_at == stamp
    assert AuditRecord.objects.filter(content_type__model="resident").count() == changes  # no change entries


@pytest.mark.django_db
def test_events_in_a_file_apply_in_seq_order_whatever_the_line_order():
    data = registry_file(
        [event("30", "200000031", 5, address="愛知県岡崎市羽根町1番地", postal_code="4440813"), newborn("200000031", 4)]
    )
    result = run(data)
    assert result.status == "succeeded", result.errors
    assert Resident.objects.get(atena_no="200000031").address == "愛知県岡崎市羽根町1番地"


@pytest.mark.django_db
def test_an_older_event_is_reported_not_applied():
    person = ResidentFactory(atena_no="100000041")
    run(registry_file([event("30", person.atena_no, 50, address="愛知県岡崎市新しい住所1番地")]))
    late = run(
        registry_file(
            [
                event("30", person.atena_no, 40, address="愛知県岡崎市古い住所1番地"),
                newborn("200000041", 51),
            ]
        )
    )
    assert late.status == "succeeded"
    assert (late.applied, late.stale) == (1, 1)
    assert late.notes[0]["line"] == 3
    assert "古い" in late.notes[0]["message"]
    person.refresh_from_db()
    assert person.address == "愛知県岡崎市新しい住所1番地"


def _assert_rejected(result: FeedRun, *, lines: list, text: str) -> None:
    assert result.status == "failed"
    assert lines_of(result) == lines
    assert any(text in e["message"] for e in result.errors), result.errors
    assert result.applied == 0
    assert AuditRecord.objects.filter(event="import", outcome="rejected").exists()


BAD_CASES = {
    "declared_utf8_but_cp932": (
        lambda: registry_file([newborn("200000051", 1)], encoding="CP932").replace(b",CP932,", b",UTF-8,"),
        [3],
        "UTF-8 として読めない",
    ),
    "declared_cp932_but_utf8": (
        lambda: registry_file([newborn("200000051", 1)]).replace(b",UTF-8,", b",CP932,"),
        [1],
        "内容は UTF-8",
    ),
    "missing_column": (
        lambda: registry_file([newborn("200000051", 1)], columns=[c for c in _cols() if c != "sex"]),
        [2],
        "必須の項目がありません: sex",
    ),
    "extra_column": (
        lambda: registry_file([newborn("200000051", 1, mynumber="123456789012")], columns=[*_cols(), "mynumber"]),
        [2],
        "認められていない項目があります: mynumber",
    ),
    "short_row": (
        lambda: _drop_last_field(registry_file([newborn("200000051", 1)]), line=3),
        [3],
        "項目数",
    ),
    "unknown_event_code": (lambda: registry_file([event("99", "200000051", 1)]), [3], "異動事由コード '99'"),
    "unknown_sex_code": (lambda: registry_file([newborn("200000051", 1, sex="3")]), [3], "性別コード '3'"),
    "death_before_birth": (
        lambda: registry_file([newborn("200000051", 1), event("21", "200000051", 2, event_date="20200101")]),
        [4],
        "死亡日 2020-01-01 が生年月日",
    ),
    "move_out_unknown_atena": (
        lambda: registry_file([newborn("200000051", 1), event("20", "999999999", 2)]),
        [4],
        "宛番号 999999999 の住民が住民記録にありません",
    ),
    "truncated_no_end": (
        lambda: registry_file([newborn("200000051", 1), newborn("200000052", 2)]).rsplit(b"#END", 1)[0],
        [4],
        "途中で切れています",
    ),
    "truncated_count": (
        lambda: registry_file([newborn("200000051", 1)]).replace(b"#END,1", b"#END,3"),
        [4],
        "途中で切れています",
    ),
    "duplicate_message": (
        lambda: registry_file([newborn("200000051", 1, event_id="X1"), newborn("200000052", 2, event_id="X1")]),
        [4],
        "異動ID X1 が重複",
    ),
    "bad_date": (lambda: registry_file([newborn("200000051", 1, birth_date="20261341")]), [3], "生年月日"),
    "wrong_format": (
        lambda: registry_file([newborn("200000051", 1)]).replace(b"JUKI_IDO", b"ZEI_KAZEI"),
        [1],
        "様式が ZEI_KAZEI",
    ),
}


def _drop_last_field(data: bytes, *, line: int) -> bytes:
    lines = data.split(b"\r\n")
    lines[line - 1] = lines[line - 1].rsplit(b",", 1)[0]
    return b"\r\n".join(lines)


def _drop_last_field(data: bytes, *, line: int) -> bytes:
    lines = data.split(b"\r\n")
    lines[line - 1] = lines[line - 1].rsplit(b",", 1)[0]
    return b"\r\n".join(lines)


def _cols() -> list[str]:
    from integration.registry_feed import COLUMNS

    return list(COLUMNS)


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_file_is_rejected_whole_then_the_next_good_file_applies(case):
    build, lines, text = BAD_CASES[case]
    before = Resident.objects.count()

    _assert_rejected(run(build()), lines=lines, text=text)

    assert Resident.objects.count() == before
    good = run(registry_file([newborn("200000051", 1), newborn("200000052", 2)]))
    assert good.status == "succeeded", good.errors
    assert good.applied == 2


@pytest.mark.django_db
def test_same_event_id_with_other_content_is_a_duplicate_message():
    run(registry_file([newborn("200000061", 1, event_id="M1")]))
    again = run(registry_file([newborn("200000061", 1, event_id="M1", name="岡崎　別人")]))
    _assert_rejected(again, lines=[3], text="別の内容で取込済み")
    assert Resident.objects.get(atena_no="200000061").name == "岡崎　陽菜"


@pytest.mark.django_db
def test_dry_run_checks_without_applying():
    result = run(registry_file([newborn("200000071", 1)]), dry_run=True)
    assert (result.status, result.applied) == ("dry_run", 1)
    assert not Resident.objects.filter(atena_no="200000071").exists()
    assert FeedSource.objects.get(code="registry").last_success_at is None
