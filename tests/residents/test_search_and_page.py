import datetime

import pytest

from accounts import roles
from residents.models import Resident
from residents.selectors import status_as_of
from tests.factories.residents import ResidentFactory, StatusFactory


@pytest.fixture
def people(db):
    return {
        "hanako": ResidentFactory(
            name="山田　花子",
            name_kana="ヤマダ　ハナコ",
            birth_date=datetime.date(2019, 5, 1),
            address="愛知県岡崎市康生町2丁目3番地",
        ),
        "taro": ResidentFactory(
            name="山田　太郎",
            name_kana="ヤマダ　タロウ",
            birth_date=datetime.date(1950, 1, 1),
            address="愛知県岡崎市羽根町1丁目1番地",
        ),
        "gone": ResidentFactory(name="山田　次郎", name_kana="ヤマダ　ジロウ", status=Resident.Status.MOVED_OUT),
    }


def atenas(response) -> set[str]:
    body = response.content.decode()
    return {a for a in ("700000000", "700000001", "700000002") if a in body} or {
        r.atena_no for r in Resident.objects.all() if r.atena_no in body
    }


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["ヤマダ ハナコ", "やまだ　はなこ", "ﾔﾏﾀﾞ ﾊﾅｺ", "やまだ は", "はなこ", "ハナ"])
def test_kana_search_ignores_width_and_hiragana_katakana(people, staff_client, typed):
    client, _ = staff_client(roles.CLERK)
    body = client.get("/residents/", {"name": typed}).content.decode()
    assert people["hanako"].atena_no in body
    assert people["taro"].atena_no not in body


@pytest.mark.django_db
def test_kanji_search_and_former_residents_only_on_request(people, staff_client):
    client, _ = staff_client(roles.CLERK)
    body = client.get("/residents/", {"name": "山田"}).content.decode()
    assert people["hanako"].atena_no in body and people["taro"].atena_no in body
    assert people["gone"].atena_no not in body
    body = client.get("/residents/", {"name": "山田", "include_former": "on"}).content.decode()
    assert people["gone"].atena_no in body and "転出" in body


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["2019-05-01", "R1.5.1", "令和元年5月1日", "20190501", "ｒ1/5/1"])
def test_birth_date_search_accepts_western_and_era_dates(people, staff_client, typed):
    client, _ = staff_client(roles.CLERK)
    body = client.get("/residents/", {"birth_date": typed}).content.decode()
    assert people["hanako"].atena_no in body and people["taro"].atena_no not in body


@pytest.mark.django_db
def test_search_by_atena_and_address(people, staff_client):
    client, _ = staff_client(roles.CLERK)
    body = client.get("/residents/", {"atena_no": people["taro"].atena_no}).content.decode()
    assert people["taro"].atena_no in body and people["hanako"].atena_no not in body
    body = client.get("/residents/", {"address": "岡崎市羽根町"}).content.decode()
    assert people["taro"].atena_no in body and people["hanako"].atena_no not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"birth_date": "2019-02-30"}, "存在しない日付"),
        ({"birth_date": "昨日"}, "日付の形式"),
        ({"atena_no": "12ab"}, "宛番号は数字"),
        ({"name": ""}, "検索条件を1つ以上"),
    ],
)
def test_bad_criteria_get_a_japanese_message_and_no_search(people, staff_client, params, message):
    client, staff = staff_client(roles.CLERK)
    r = client.get("/residents/", params)
    assert r.status_code == 200
    assert message in r.content.decode()
    from audit.models import AuditRecord

    assert not AuditRecord.objects.filter(event="search", actor=staff).exists()


@pytest.mark.django_db
def test_results_are_paged(staff_client):
    for i in range(25):
        ResidentFactory(name=f"岡崎　{i}", name_kana=f"オカザキ　イチ{i:02d}")
    client, _ = staff_client(roles.CLERK)
    first = client.get("/residents/", {"name": "おかざき"}).content.decode()
    assert "25 件" in first and "1 / 2 ページ" in first
    second = client.get("/residents/", {"name": "おかざき", "page": 2}).content.decode()
    assert "2 / 2 ページ" in second


@pytest.mark.django_db
def test_unknown_resident_is_404_and_malformed_id_never_500(staff_client):
    client, _ = staff_client(roles.CLERK)
    assert client.get("/residents/99999999/").status_code == 404
    assert client.get("/residents/abc/").status_code == 404


@pytest.mark.django_db
def test_resident_page_shows_register_items_in_era_dates_and_status_history(people, staff_client):
    hanako = people["hanako"]
    StatusFactory(
        resident=hanako,
        kind="welfare",
        code="受給中",
        fiscal_year=None,
        valid_from=datetime.date(2026, 6, 1),
        valid_to=None,
    )
    client, _ = staff_client(roles.CLERK)
    body = client.get(f"/residents/{hanako.pk}/").content.decode()
    assert "令和元年5月1日" in body
    assert "生活保護" in body and "受給中" in body
    assert "康生町" in body and "〒444-0052" in body


@pytest.mark.django_db
def test_status_as_of_uses_the_period_and_the_latest_correction(people):
    taro = people["taro"]
    StatusFactory(
        resident=taro,
        kind="tax",
        code="課税",
        fiscal_year=2025,
        valid_from=datetime.date(2025, 4, 1),
        valid_to=datetime.date(2026, 3, 31),
    )
    StatusFactory(
        resident=taro,
        kind="tax",
        code="課税",
        fiscal_year=2026,
        valid_from=datetime.date(2026, 4, 1),
        valid_to=datetime.date(2027, 3, 31),
    )
    # a later correction for FY2026 (更正): a new row, the old one is kept
    StatusFactory(
        resident=taro,
        kind="tax",
        code="非課税",
        fiscal_year=2026,
        valid_from=datetime.date(2026, 4, 1),
        valid_to=datetime.date(2027, 3, 31),
    )
    assert status_as_of(taro, "tax", datetime.date(2025, 10, 1)).code == "課税"
    assert status_as_of(taro, "tax", datetime.date(2026, 10, 1)).code == "非課税"
    assert status_as_of(taro, "tax", datetime.date(2024, 10, 1)) is None
    assert taro.statuses.filter(kind="tax").count() == 3
