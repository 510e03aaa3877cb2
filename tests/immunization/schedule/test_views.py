import datetime as dt

import pytest

from accounts import roles
from tests.factories.residents import ResidentFactory

pytestmark = pytest.mark.django_db
CALC = "/immunization/schedule/calculator/"
TABLE = "/immunization/schedule/"


def test_clerk_answers_a_phone_inquiry_with_the_calculator(staff_client):
    client, _ = staff_client(roles.CLERK)
    home = client.get("/")
    assert "接種時期の計算" in home.content.decode()
    assert "接種スケジュール表" in home.content.decode()

    empty = client.get(CALC)
    assert empty.status_code == 200
    assert "計算結果" not in empty.content.decode()

    page = client.get(
        CALC,
        {
            "birth_date": "R7.6.10",
            "sex": "1",
            "on": "令和8年6月20日",
            "dose_0": "dpt_ipv_hib_1i1",
            "date_0": "R7.8.20",
            "dose_1": "mr_1",
            "date_1": "2026-06-15",
            "dose_2": "bcg",
            "date_2": "不明",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "計算結果(令和8年6月20日 時点)" in body
    assert "令和7年8月20日に接種済み" in body
    assert "接種済み(接種日不明)" in body
    assert "令和8年7月13日から接種できます" in body  # varicella: 27 days after MR
    assert "標準期間経過" in body


def test_calculator_rejects_bad_input_with_japanese_messages(staff_client):
    client, _ = staff_client(roles.ENTRY)
    page = client.get(CALC, {"birth_date": "2025-02-30", "sex": "2"})
    assert page.status_code == 400
    assert "存在しない日付です" in page.content.decode()

    page = client.get(CALC, {"birth_date": "2025-06-10", "sex": "2", "dose_0": "bcg", "date_0": "2025-01-01"})
    assert page.status_code == 400
    assert "1行目: 接種日が生年月日より前です。" in page.content.decode()

    page = client.get(CALC, {"birth_date": "2025-06-10", "sex": "2", "dose_0": "nonsense", "date_0": "2025-08-01"})
    assert page.status_code == 400

    page = client.get(CALC, {"birth_date": "2025-06-10", "sex": "2", "dose_0": "bcg", "date_0": ""})
    assert page.status_code == 400
    assert "不明なら「不明」" in page.content.decode()


def test_more_history_rows_on_request(staff_client):
    client, _ = staff_client(roles.VERIFIER)
    page = client.get(CALC, {"rows": "12"})
    assert 'name="dose_11"' in page.content.decode()
    assert 'name="dose_12"' not in page.content.decode()
    assert client.get(CALC, {"rows": "junk"}).status_code == 200


def test_schedule_table_shows_the_rules_and_those_of_another_day(staff_client):
    client, _ = staff_client(roles.CLERK)
    page = client.get(TABLE)
    body = page.content.decode()
    assert page.status_code == 200
    assert "5種混合(DPT-IPV-Hib)" in body
    assert "dpt_ipv_hib_1i1" in body
    assert "生後2〜7月に開始: 初回3回+追加1回" in body
    assert "注射生ワクチン同士は中27日以上" in body
    assert "経過措置(令和7〜11年度)" in body

    old = client.get(TABLE, {"on": "H31.4.1"})
    assert old.status_code == 200
    assert "平成31年4月1日 時点" in old.content.decode()
    assert client.get(TABLE, {"on": "2019-02-30"}).status_code == 400


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.RELIEF, roles.ADMIN, roles.CONTRACTOR])
def test_roles_without_the_right_are_refused_and_see_no_menu(staff_client, role):
    client, _ = staff_client(role)
    assert client.get(CALC).status_code == 403
    assert client.get(TABLE).status_code == 403
    assert "接種時期の計算" not in client.get("/").content.decode()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(CALC)
    assert response.status_code == 302


def test_resident_page_shows_the_forecast(staff_client):
    today = dt.date.today()  # noqa: DTZ011
    baby = ResidentFactory(birth_date=today - dt.timedelta(days=120), sex="2")
    client, _ = staff_client(roles.CLERK)
    body = client.get(f"/residents/{baby.pk}/").content.decode()
    assert 'id="forecast-panel"' in body
    assert "5種混合(DPT-IPV-Hib)" in body
    assert "接種時期" in body
    # decades away (elderly influenza) is folded away; the infant series is on top
    panel = body[body.index('id="forecast-panel"') :]
    assert panel.index("5種混合(DPT-IPV-Hib)") < panel.index("<details>") < panel.index("高齢者インフルエンザ")
    # the panel needs the schedule right: a relief officer sees the resident but not the panel
    relief, _ = staff_client(roles.RELIEF)
    body = relief.get(f"/residents/{baby.pk}/").content.decode()
    assert 'id="forecast-panel"' not in body


def test_resident_panel_uses_only_verified_records(staff_client):
    from immunization.models import VaccinationRecord
    from tests.factories.immunization import RecordFactory

    today = dt.date.today()  # noqa: DTZ011
    child = ResidentFactory(birth_date=today - dt.timedelta(days=400), sex="1")
    client, _ = staff_client(roles.CLERK)
    _, verifier = staff_client(roles.VERIFIER)
    given = today - dt.timedelta(days=20)
    RecordFactory(resident=child, dose_code="mr_1", vaccinated_on=given, verified_by=verifier)
    RecordFactory(
        resident=child,
        dose_code="bcg",
        vaccinated_on=today - dt.timedelta(days=300),
        status=VaccinationRecord.Status.PENDING,
        verified_by=None,
        verified_at=None,
    )
    body = client.get(f"/residents/{child.pk}/").content.decode()
    panel = body[body.index('id="forecast-panel"') :]
    assert "確認済みの接種記録 1 件" in panel
    from core.wareki import format_wareki

    assert f"{format_wareki(given)}に接種済み" in panel
    # varicella must wait 27 days after MR
    assert "注射生ワクチン同士は中27日以上" in panel


def test_resident_panel_points_60_to_64_with_a_grade_1_certificate_to_the_conditions(staff_client):
    from tests.factories.residents import StatusFactory

    today = dt.date.today()  # noqa: DTZ011
    person = ResidentFactory(birth_date=today.replace(year=today.year - 62) - dt.timedelta(days=30))
    client, _ = staff_client(roles.CLERK)
    assert "障害者手帳" not in client.get(f"/residents/{person.pk}/").content.decode().split('id="forecast-panel"')[1]
    StatusFactory(
        resident=person,
        kind="disability",
        code="身体1級",
        fiscal_year=None,
        valid_from=today - dt.timedelta(days=100),
        valid_to=None,
    )
    panel = client.get(f"/residents/{person.pk}/").content.decode().split('id="forecast-panel"')[1]
    assert "障害者手帳(身体1級)があります" in panel
