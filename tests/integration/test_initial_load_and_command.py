from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditRecord
from core.origin import Origin
from integration.models import FeedRun
from integration.services import feed_import, sources_ensure
from residents import mynumber as mn
from residents.models import MyNumber, Resident
from residents.services import mynumber_reveal
from tests.factories.integration import event, initial_file, newborn, registry_file
from tests.factories.residents import valid_mynumber


def person(i: int, **over) -> dict[str, str]:
    row = {
        "atena_no": f"{300000000 + i}",
        "seq": "100",
        "resident_type": "1",
        "name": f"初期　{i}郎",
        "name_kana": "ショキ　イチロウ",
        "sex": "1",
        "birth_date": "19800401",
        "household_no": f"{770000000 + i // 2}",
        "head_name": "初期　世帯主",
        "relation1": "世帯主",
        "postal_code": "4440052",
        "address": "愛知県岡崎市康生町1丁目1番地",
        "became_resident_on": "19800401",
        "became_resident_reason": "出生",
        "mynumber": valid_mynumber(1000 + i),
    }
    row.update(over)
    return row


@pytest.fixture(autouse=True)
def _sources(db):
    sources_ensure()


@pytest.mark.django_db
def test_initial_load_registers_people_households_and_encrypted_numbers(staff_client):
    from accounts import roles

    rows = [person(i) for i in range(6)]
    rows[5]["mynumber"] = ""
    result = feed_import(
        source_code="initial",
        data=initial_file(rows, encoding="CP932"),
        trigger="command",
        actor=None,
        origin=Origin.command(),
    )

    assert result.status == "succeeded", result.errors
    assert Resident.objects.filter(atena_no__startswith="3000000").count() == 6
    first = Resident.objects.get(atena_no="300000000")
    assert first.kana_key == "ショキイチロウ"
    assert first.household.household_no == "770000000"
    assert first.household.members.count() == 2
    stored = MyNumber.objects.get(resident=first)
    assert stored.blind_index == mn.blind_index(rows[0]["mynumber"])
    assert rows[0]["mynumber"].encode() not in bytes(stored.ciphertext)
    _, staff = staff_client(roles.MYNUMBER)
    assert (
        mynumber_reveal(actor=staff, origin=Origin.command(), resident=first, purpose="予防接種記録の管理")
        == rows[0]["mynumber"]
    )
    assert MyNumber.objects.count() == 5
    # the record of the run carries no number
    rec = AuditRecord.objects.get(event="import")
    assert rows[0]["mynumber"] not in json.dumps(rec.additional_data)
    # the snapshot's seq: an older registry event is reported, a newer one applied
    late = feed_import(
        source_code="registry",
        data=registry_file(
            [event("30", "300000000", 90, address="古い"), event("30", "300000001", 101, address="愛知県岡崎市新住所")]
        ),
        trigger="command",
        actor=None,
        origin=Origin.command(),
    )
    assert (late.applied, late.stale) == (1, 1)


@pytest.mark.django_db
def test_initial_load_rejects_bad_numbers_and_duplicates_without_echoing_numbers():
    rows = [person(1), person(2), person(1, mynumber=valid_mynumber(1050)), person(3, mynumber="123456789012")]
    rows[3]["mynumber"] = rows[3]["mynumber"][:11] + str((mn.check_digit(rows[3]["mynumber"][:11]) + 1) % 10)
    rows.append(person(4, mynumber=rows[1]["mynumber"]))
    result = feed_import(
        source_code="initial", data=initial_file(rows), trigger="command", actor=None, origin=Origin.command()
    )
    assert result.status == "failed"
    assert [e["line"] for e in result.errors] == [5, 6, 7]
    assert "重複" in result.errors[0]["message"]
    assert "検査用数字" in result.errors[1]["message"]
    assert all(r["mynumber"] not in json.dumps(result.errors, ensure_ascii=False) for r in rows)
    assert not Resident.objects.filter(atena_no__startswith="3000000").exists()


@pytest.mark.django_db
def test_import_feed_command_prints_counts_and_fails_with_the_report(tmp_path, capsys):
    good = tmp_path / "ido_good.csv"
    good.write_bytes(registry_file([newborn("200000091", 1)]))
    call_command("import_feed", "--source", "registry", str(good))
    out = capsys.readouterr().out
    assert "取込完了" in out
    assert "反映 1" in out

    bad = tmp_path / "ido_bad.csv"
    bad.write_bytes(registry_file([event("20", "999999998", 2)]))
    with pytest.raises(CommandError, match="取り込めませんでした"):
        call_command("import_feed", "--source", "registry", str(bad))
    err = capsys.readouterr().err
    assert "3行目: 転出: 宛番号 999999998 の住民が住民記録にありません。" in err
    assert FeedRun.objects.filter(status="failed").count() == 1

    dry = tmp_path / "ido_dry.csv"
    dry.write_bytes(registry_file([newborn("200000092", 3)]))
    call_command("import_feed", "--source", "registry", str(dry), "--dry-run")
    assert "検査のみ" in capsys.readouterr().out
    assert not Resident.objects.filter(atena_no="200000092").exists()


@pytest.mark.django_db
def test_feed_token_command_issues_a_token_the_endpoint_accepts(client, capsys):
    call_command("feed_token", "--source", "registry")
    token = capsys.readouterr().out.split("Bearer ")[1].strip()
    message = {"message_id": "T-1", "events": [newborn("200000095", 1)]}
    ok = client.post(
        "/integration/api/feeds/registry/events/",
        json.dumps(message),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert ok.status_code == 200
    with pytest.raises(CommandError):
        call_command("feed_token", "--source", "tax")
