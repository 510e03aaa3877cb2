"""domain.md §4: each privacy promise the software keeps, tested by what a user or an auditor would see."""

from __future__ import annotations

import io
import logging
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounts import roles
from audit.logging import RedactMyNumberFilter
from audit.models import AuditRecord
from residents.mynumber import blind_index
from tests.factories.residents import ResidentFactory, StatusFactory, give_mynumber, valid_mynumber
from tests.urlwalk import all_paths

ROLES_WITHOUT_MYNUMBER = [
    roles.CLERK,
    roles.ENTRY,
    roles.VERIFIER,
    roles.RELIEF,
    roles.AUDITOR,
    roles.ADMIN,
    roles.CONTRACTOR,
]


def number_shapes(number: str) -> list[str]:
    """Every way a page could show a number: plain, spaced, hyphenated, full-width."""
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    full = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return [number, spaced, spaced.replace(" ", "-"), full]


@pytest.fixture
def city(db):
    people = []
    for i in range(3):
        r = ResidentFactory(name=f"番号　確認{i}", name_kana=f"バンゴウ　カクニン{i}")
        n = valid_mynumber(100 + i)
        give_mynumber(r, n)
        StatusFactory(resident=r)
        people.append((r, n))
    return people


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES_WITHOUT_MYNUMBER)
def test_iii_3_r1_no_mynumber_on_any_page_for_roles_without_the_right(staff_client, city, role):
    client, _staff = staff_client(role, is_staff=role == roles.ADMIN)
    resident, _ = city[0]
    paths = [*all_paths(resident.pk), "/residents/?name=バンゴウ", "/console/", "/console/accounts/staff/"]
    seen = 0
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        body = response.content.decode("utf-8", errors="replace")
        seen += response.status_code == 200
        for _, number in city:
            for shape in number_shapes(number):
                assert shape not in body, f"{shape} shown on {path} to {role}"
    assert seen >= 1  # the home page at least actually rendered


@pytest.mark.django_db
def test_iii_3_r1_staff_without_the_right_see_only_registered_or_not(staff_client, city):
    client, _ = staff_client(roles.CLERK)
    resident, _ = city[0]
    body = client.get(f"/residents/{resident.pk}/").content.decode()
    assert "登録あり" in body
    assert "****" not in body  # not even a masked number
    assert "表示" not in body.split("個人番号")[1][:200]  # no reveal button


@pytest.mark.django_db
def test_iii_3_r1_reveal_and_number_search_refused_without_the_right_and_recorded(staff_client, city):
    client, staff = staff_client(roles.CLERK)
    resident, number = city[0]
    assert (
        client.post(f"/residents/{resident.pk}/mynumber/reveal/", {"purpose": "予防接種記録の管理"}).status_code == 403
    )
    r = client.post("/residents/mynumber-search/", {"mynumber": number, "purpose": "予防接種記録の管理"})
    assert r.status_code == 403
    assert number not in r.content.decode()
    assert AuditRecord.objects.filter(event="denied", actor=staff).count() == 2


@pytest.mark.django_db
def test_iii_3_r1_mynumber_worker_sees_mask_until_reveal(staff_client, city):
    client, _staff = staff_client(roles.CLERK, roles.MYNUMBER)
    resident, number = city[0]
    page = client.get(f"/residents/{resident.pk}/").content.decode()
    assert "**** **** ****" in page
    assert all(s not in page for s in number_shapes(number))
    shown = client.post(f"/residents/{resident.pk}/mynumber/reveal/", {"purpose": "予防接種記録の管理"})
    assert shown.status_code == 200
    assert f"{number[:4]} {number[4:8]} {number[8:]}" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]


@pytest.mark.django_db
def test_reveal_requires_a_purpose_and_records_nothing_without_one(staff_client, city):
    client, _ = staff_client(roles.CLERK, roles.MYNUMBER)
    resident, number = city[0]
    r = client.post(f"/residents/{resident.pk}/mynumber/reveal/", {"purpose": ""})
    assert r.status_code == 400
    assert number not in r.content.decode()
    assert not AuditRecord.objects.filter(event="mynumber_reveal").exists()


@pytest.mark.django_db
def test_number_search_is_post_only_and_never_reads_the_url(staff_client, city):
    client, _ = staff_client(roles.CLERK, roles.MYNUMBER)
    resident, number = city[0]
    r = client.get("/residents/mynumber-search/", {"mynumber": number, "purpose": "予防接種記録の管理"})
    assert resident.atena_no not in r.content.decode()
    assert not AuditRecord.objects.filter(event="mynumber_search").exists()
    found = client.post("/residents/mynumber-search/", {"mynumber": number, "purpose": "予防接種記録の管理"})
    assert resident.atena_no in found.content.decode()


@pytest.mark.django_db
def test_invalid_number_in_search_gets_japanese_message_and_no_search(staff_client, city):
    client, _ = staff_client(roles.CLERK, roles.MYNUMBER)
    r = client.post("/residents/mynumber-search/", {"mynumber": "123456789012", "purpose": "予防接種記録の管理"})
    assert r.status_code == 400
    assert "検査用数字" in r.content.decode()
    assert "123456789012" not in r.content.decode()
    assert not AuditRecord.objects.filter(event="mynumber_search").exists()


@pytest.mark.django_db
def test_iii_3_r2_reveal_search_view_and_export_each_leave_exactly_one_record(staff_client, city):
    client, staff = staff_client(roles.CLERK, roles.MYNUMBER)
    resident, number = city[0]

    def count(event: str) -> int:
        return AuditRecord.objects.filter(event=event, actor=staff).count()

    client.post(f"/residents/{resident.pk}/mynumber/reveal/", {"purpose": "予防接種記録の管理"})
    assert count("mynumber_reveal") == 1
    rec = AuditRecord.objects.get(event="mynumber_reveal")
    assert (rec.subject_atena, rec.purpose, rec.username) == (resident.atena_no, "予防接種記録の管理", staff.username)
    assert rec.remote_addr == "127.0.0.1"

    client.post("/residents/mynumber-search/", {"mynumber": number, "purpose": "実費の徴収"})
    assert count("mynumber_search") == 1
    search = AuditRecord.objects.get(event="mynumber_search")
    assert search.additional_data["criteria"] == {"mynumber_blind_index": blind_index(number)}
    assert search.additional_data["result_count"] == 1

    client.get(f"/residents/{resident.pk}/")
    assert count("view") == 1

    client.get("/residents/", {"name": "ばんごう"})
    name_search = AuditRecord.objects.get(event="search", actor=staff)
    assert name_search.additional_data == {"criteria": {"name": "ばんごう"}, "result_count": 3}

    auditor, _ = staff_client(roles.AUDITOR)
    auditor.post("/audit/export/", {"date_from": "2020-01-01", "date_to": "2099-12-31", "encoding": "utf-8"})
    assert AuditRecord.objects.filter(event="export").count() == 1


@pytest.mark.django_db
def test_iii_3_r2_audit_rows_cannot_be_edited_or_deleted(staff_client, city):
    client, _ = staff_client(roles.CLERK)
    client.get(f"/residents/{city[0][0].pk}/")
    record = AuditRecord.objects.get(event="view")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditrecord SET purpose = 'x' WHERE id = %s", [record.id])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(id=record.id).delete()
    assert AuditRecord.objects.get(id=record.id).purpose == record.purpose


def _superuser_sql(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        # what a superuser can do: switch off every ordinary trigger for the session
        cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        cur.execute("SET session_replication_role = DEFAULT")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE audit_auditrecord SET username = 'someone_else' WHERE id = %s", "改ざん"),
        ("DELETE FROM audit_auditrecord WHERE id = %s", "削除"),
    ],
)
def test_iii_3_r2_tampering_by_superuser_is_caught_by_verify_audit_chain(staff_client, city, sql, reason):
    client, _ = staff_client(roles.CLERK)
    for r, _ in city:
        client.get(f"/residents/{r.pk}/")
    call_command("verify_audit_chain", stdout=io.StringIO())  # intact chain: no error
    victim = AuditRecord.objects.filter(event="view").order_by("chain_seq")[1]
    _superuser_sql(sql, [victim.id])
    with pytest.raises(Exception, match=reason) as err:
        call_command("verify_audit_chain", stdout=io.StringIO())
    assert f"#{victim.chain_seq}" in str(err.value) or f"#{victim.chain_seq + 1}" in str(err.value)


@pytest.mark.django_db
def test_verify_audit_chain_fails_the_command_after_an_edit(staff_client, city):
    client, _ = staff_client(roles.CLERK)
    client.get(f"/residents/{city[0][0].pk}/")
    victim = AuditRecord.objects.get(event="view")
    _superuser_sql("UPDATE audit_auditrecord SET purpose = 'x' WHERE id = %s", [victim.id])
    with pytest.raises(CommandError, match=f"#{victim.chain_seq}"):
        call_command("verify_audit_chain")


@pytest.mark.django_db
def test_raw_database_holds_no_mynumber_in_clear(staff_client, city):
    client, _ = staff_client(roles.CLERK, roles.MYNUMBER)
    for resident, number in city:
        client.get(f"/residents/{resident.pk}/")
        client.post(f"/residents/{resident.pk}/mynumber/reveal/", {"purpose": "予防接種記録の管理"})
        client.post("/residents/mynumber-search/", {"mynumber": number, "purpose": "予防接種記録の管理"})
    with connection.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [t for (t,) in cur.fetchall()]
        assert "residents_mynumber" in tables
        for table in tables:
            for _, number in city:
                hex_ascii = number.encode().hex()
                cur.execute(
                    f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE %s OR t::text LIKE %s',
                    [f"%{number}%", f"%{hex_ascii}%"],
                )
                assert cur.fetchone()[0] == 0, f"{table} holds a My Number in clear"


@pytest.mark.django_db
def test_application_log_and_access_log_hold_no_mynumber(staff_client, city, caplog):
    caplog.set_level(logging.DEBUG)
    client, _ = staff_client(roles.CLERK, roles.MYNUMBER)
    resident, number = city[0]
    client.post(f"/residents/{resident.pk}/mynumber/reveal/", {"purpose": "予防接種記録の管理"})
    client.post("/residents/mynumber-search/", {"mynumber": number, "purpose": "予防接種記録の管理"})
    client.post("/residents/mynumber-search/", {"mynumber": "bad" + number, "purpose": "予防接種記録の管理"})
    assert all(number not in r.getMessage() for r in caplog.records)
    assert caplog.records  # the log was captured at all
    for rec in AuditRecord.objects.all():
        text = f"{rec.object_repr} {rec.changes} {rec.additional_data} {rec.purpose}"
        assert number not in text


def test_log_filter_redacts_anything_shaped_like_a_mynumber():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "searched %s", ("1234 5678 9018",), None)
    RedactMyNumberFilter().filter(record)
    assert "9018" not in record.getMessage()
    assert "伏せました" in record.getMessage()


def test_production_settings_pass_check_deploy_and_fail_fast_without_secrets(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": str(tmp_path / "none.env"),
        "DEBUG": "false",
        "SECRET_KEY": "x" * 30 + "Production-Secret-Key-That-Is-Long-Enough-9876",
        "ALLOWED_HOSTS": "vax.city.okazaki.example",
        "MYNUMBER_KEYS": "k1:" + "A" * 43 + "=",
        "MYNUMBER_ACTIVE_KEY_ID": "k1",
        "MYNUMBER_INDEX_KEY": "B" * 43 + "=",
    }
    ok = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    missing = {k: v for k, v in env.items() if k != "MYNUMBER_INDEX_KEY"}
    failed = subprocess.run([sys.executable, "manage.py", "check"], env=missing, capture_output=True, text=True)
    assert failed.returncode != 0
    assert "MYNUMBER_INDEX_KEY" in failed.stderr


def test_no_model_change_lacks_a_migration():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_iii_3_r2_a_superuser_removing_the_newest_records_is_caught_by_the_seals(staff_client, city, settings):
    client, _ = staff_client(roles.CLERK)
    for r, _ in city:
        client.get(f"/residents/{r.pk}/")
    head = AuditRecord.objects.order_by("-chain_seq").first()
    call_command("seal_audit_chain", stdout=io.StringIO())
    assert f"\t{head.chain_seq}\t{head.row_hash}\t" in settings.AUDIT_SEAL_PATH.read_text()
    client.get(f"/residents/{city[0][0].pk}/")  # more records after the seal
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "封印 1 件" in out.getvalue()
    # the newest records, the sealed head among them, removed: what is left is still a whole chain ...
    _superuser_sql("DELETE FROM audit_auditrecord WHERE chain_seq >= %s", [head.chain_seq])
    from audit.chain import verify_chain

    assert verify_chain()[1] is None
    # ... but the seal outside the database no longer matches
    with pytest.raises(CommandError, match=f"#{head.chain_seq}.*削除されています"):
        call_command("verify_audit_chain", stdout=io.StringIO())


@pytest.mark.django_db
def test_a_seal_line_made_up_without_the_key_is_refused(staff_client, city, settings):
    client, _ = staff_client(roles.CLERK)
    client.get(f"/residents/{city[0][0].pk}/")
    call_command("seal_audit_chain", stdout=io.StringIO())
    with open(settings.AUDIT_SEAL_PATH, "a") as fh:
        fh.write("2026-11-26T00:00:00+00:00\t1\t" + "0" * 64 + "\t" + "f" * 64 + "\n")
    with pytest.raises(CommandError, match=r"2 行目.*封印が改ざんされています"):
        call_command("verify_audit_chain", stdout=io.StringIO())
