"""Per-claim permissions (django-guardian): assigned worker vs unassigned worker vs supervisor."""

from __future__ import annotations

import io

import pytest

from accounts import roles
from audit.models import AuditRecord
from relief import services
from tests.factories.relief import ClaimFactory, assign
from tests.relief.conftest import ORIGIN

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(claim, staff):  # type: ignore[no-untyped-def]
    f = io.BytesIO(PDF)
    f.name = "shindansho.pdf"
    f.size = len(PDF)
    return services.document_add(actor=staff, origin=ORIGIN, claim=claim, kind="medical_cert", upload=f)


@pytest.mark.django_db
def test_assigned_worker_sees_list_detail_and_documents(worker):
    client, staff = worker
    claim = ClaimFactory()
    assign(claim, staff)
    doc = _upload(claim, staff)

    listing = client.get("/relief/")
    assert claim.claim_no in listing.content.decode()
    assert client.get(f"/relief/{claim.pk}/").status_code == 200
    got = client.get(f"/relief/{claim.pk}/documents/{doc.pk}/")
    assert got.status_code == 200
    assert got.content == PDF
    assert got["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_unassigned_worker_gets_404_and_an_empty_list(worker, other_worker):
    _, staff = worker
    client2, _ = other_worker
    claim = ClaimFactory()
    assign(claim, staff)
    doc = _upload(claim, staff)
    services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="investigating", on_date=claim.received_on
    )

    listing = client2.get("/relief/")
    assert listing.status_code == 200
    assert claim.claim_no not in listing.content.decode()
    assert client2.get(f"/relief/{claim.pk}/").status_code == 404
    assert client2.get(f"/relief/{claim.pk}/documents/{doc.pk}/").status_code == 404
    # writing is refused the same way
    assert (
        client2.post(f"/relief/{claim.pk}/transition/", {"to_state": "forwarded", "on_date": "2026-04-20"}).status_code
        == 404
    )
    claim.refresh_from_db()
    assert claim.state == "investigating"


@pytest.mark.django_db
def test_supervisor_sees_every_claim(lead):
    client, _ = lead
    a, b = ClaimFactory(), ClaimFactory()
    listing = client.get("/relief/").content.decode()
    assert a.claim_no in listing
    assert b.claim_no in listing
    assert client.get(f"/relief/{a.pk}/").status_code == 200
    doc = _upload(b, lead[1])
    assert client.get(f"/relief/{b.pk}/documents/{doc.pk}/").status_code == 200


@pytest.mark.django_db
def test_staff_without_the_relief_role_are_refused(staff_client):
    client, _ = staff_client(roles.CLERK)
    claim = ClaimFactory()
    assert client.get("/relief/").status_code == 403
    assert client.get(f"/relief/{claim.pk}/").status_code == 403
    assert "救済申請一覧" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_supervisor_assigns_and_unassigns_and_it_is_audited(lead, other_worker):
    client, lead_staff = lead
    client2, staff2 = other_worker
    claim = ClaimFactory()
    assert client2.get(f"/relief/{claim.pk}/").status_code == 404

    assert client.post(f"/relief/{claim.pk}/assign/", {"worker": staff2.pk, "action": "assign"}).status_code == 302
    assert client2.get(f"/relief/{claim.pk}/").status_code == 200
    assert claim.claim_no in client2.get("/relief/").content.decode()
    rec = AuditRecord.objects.filter(event="rights", username=lead_staff.username).latest("chain_seq")
    assert rec.additional_data["assigned"] == staff2.username
    assert rec.subject_atena == claim.resident.atena_no

    assert client.post(f"/relief/{claim.pk}/assign/", {"worker": staff2.pk, "action": "unassign"}).status_code == 302
    assert client2.get(f"/relief/{claim.pk}/").status_code == 404
    rec = AuditRecord.objects.filter(event="rights", username=lead_staff.username).latest("chain_seq")
    assert rec.additional_data["unassigned"] == staff2.username


@pytest.mark.django_db
def test_a_worker_cannot_assign(worker, other_worker):
    client, staff = worker
    _, staff2 = other_worker
    claim = ClaimFactory()
    assign(claim, staff)
    assert client.post(f"/relief/{claim.pk}/assign/", {"worker": staff2.pk}).status_code == 403
    assert not staff2.has_perm("relief.view_claim", claim)


@pytest.mark.django_db
def test_worker_receiving_a_claim_is_assigned_to_it(worker, other_worker):
    client, _staff = worker
    client2, _ = other_worker
    claim = ClaimFactory()
    resp = client.post(
        "/relief/new/",
        {
            "atena_no": claim.resident.atena_no,
            "relationship": "guardian",
            "claimant_name": "岡崎　花子",
            "claimant_address": "岡崎市康生町1",
            "vaccine_code": "mr_1",
            "vaccinated_on": "R8.4.2",
            "benefit": "medical_allowance",
            "injury": "発熱",
            "onset_on": "2026-04-03",
            "treatment_from": "2026-04-03",
            "received_on": "2026-04-20",
        },
    )
    assert resp.status_code == 302, resp.content.decode()
    new_pk = int(resp["Location"].rstrip("/").split("/")[-1])
    assert client.get(f"/relief/{new_pk}/").status_code == 200
    assert client2.get(f"/relief/{new_pk}/").status_code == 404


@pytest.mark.django_db
def test_resident_page_shows_only_a_count_and_only_to_relief_staff(worker, staff_client):
    client, _staff = worker
    claim = ClaimFactory(injury="アナフィラキシーショック")
    clerk, _ = staff_client(roles.CLERK)
    page = client.get(f"/residents/{claim.resident.pk}/").content.decode()
    assert "救済申請あり: 1 件" in page
    assert "アナフィラキシー" not in page
    clerk_page = clerk.get(f"/residents/{claim.resident.pk}/").content.decode()
    assert "救済申請" not in clerk_page
    assert "アナフィラキシー" not in clerk_page


@pytest.mark.django_db
def test_supervisor_sees_who_handles_each_claim_and_finds_the_unassigned(lead, worker):
    client, _ = lead
    _, staff = worker
    handled, orphan = ClaimFactory(), ClaimFactory()
    assign(handled, staff)
    listing = client.get("/relief/").content.decode()
    assert staff.username in listing
    assert "未割当" in listing
    only = client.get("/relief/", {"unassigned": "1"}).content.decode()
    assert orphan.claim_no in only
    assert handled.claim_no not in only
    assert "担当者未割当 1 件" in client.get("/").content.decode()


@pytest.mark.django_db
def test_assigning_someone_without_the_relief_role_is_refused_and_recorded(lead, staff_client):
    from django.core.exceptions import ValidationError

    _, lead_staff = lead
    _, clerk = staff_client(roles.CLERK)
    claim = ClaimFactory()
    with pytest.raises(ValidationError, match="健康被害救済担当の職員だけを割り当てられます。"):
        services.claim_assign(actor=lead_staff, origin=ORIGIN, claim=claim, worker=clerk)
    assert not clerk.has_perm("relief.view_claim", claim)
    # recorded outside the refused step's transaction, so the record stays
    rec = AuditRecord.objects.get(event="denied", username=lead_staff.username)
    assert (rec.outcome, rec.subject_atena) == ("invalid", claim.resident.atena_no)
    assert rec.additional_data["refused"] == "claim_assign"
