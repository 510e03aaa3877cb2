"""Relief's privacy promises: medical details stay on relief's own pages; no My Number for the relief
roles anywhere; the claim list does not grow in queries with the number of claims."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from tests.factories.relief import ClaimFactory, assign
from tests.factories.residents import give_mynumber, valid_mynumber
from tests.urlwalk import all_paths

INJURY = "ギラン・バレー症候群(接種後10日で発症)"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.CLERK, roles.MYNUMBER, roles.RELIEF, roles.RELIEF_LEAD, roles.AUDITOR])
def test_medical_details_appear_on_no_other_apps_page(staff_client, role):
    client, staff = staff_client(role)
    claim = ClaimFactory(injury=INJURY)
    if role == roles.RELIEF:
        assign(claim, staff)
    for path in all_paths(claim.resident.pk, skip_prefixes=("console/", "relief/")):
        response = client.get(path)
        assert response.status_code < 500, path
        assert INJURY not in response.content.decode("utf-8", errors="replace"), path
    if role in (roles.RELIEF, roles.RELIEF_LEAD):  # while relief's own page does show it to them
        assert INJURY in client.get(f"/relief/{claim.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.RELIEF, roles.RELIEF_LEAD])
def test_no_mynumber_on_any_relief_page_for_relief_roles(staff_client, role):
    client, staff = staff_client(role)
    claim = ClaimFactory()
    number = valid_mynumber(4242)
    give_mynumber(claim.resident, number)
    assign(claim, staff)
    seen = 0
    for path in [p for p in all_paths(claim.pk) if p.startswith("/relief/")]:
        response = client.get(path)
        assert response.status_code < 500, path
        seen += response.status_code == 200
        assert number not in response.content.decode("utf-8", errors="replace"), path
    assert seen >= 3


@pytest.mark.django_db
def test_claim_list_queries_do_not_grow_with_the_claims(worker):
    client, staff = worker

    sql: list[str] = []

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/relief/").status_code == 200
        sql[:] = [q["sql"] for q in ctx.captured_queries]
        return len(ctx.captured_queries)

    for _ in range(2):
        assign(ClaimFactory(), staff)
    few = count_queries()
    for _ in range(10):
        assign(ClaimFactory(), staff)
    ClaimFactory()  # not assigned: not listed
    assert count_queries() == few
    # the list filters through guardian's direct foreign-key table, not the generic text-keyed one
    listing = [q for q in sql if 'FROM "relief_claim"' in q and "relief_claimuserobjectpermission" in q]
    assert listing
    assert all("guardian_userobjectpermission" not in q for q in listing)


@pytest.mark.django_db
def test_audit_trail_records_changes_to_medical_fields_without_their_text(worker):
    from audit.models import AuditRecord

    claim = ClaimFactory(injury=INJURY, hospital="岡崎市民病院 神経内科")
    entry = AuditRecord.objects.filter(object_pk=str(claim.pk), action=AuditRecord.Action.CREATE).latest("id")
    dumped = str(entry.changes)
    assert "injury" in dumped
    assert "(医療情報)" in dumped
    assert "ギラン" not in dumped
    assert "神経内科" not in dumped
