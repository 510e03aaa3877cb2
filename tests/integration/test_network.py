"""Information Provision Network: the permitted list and the supervisor's approval queue (PIA III-6)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditRecord
from core.origin import Origin
from integration import intermediate
from integration.models import Inquiry, ProvisionRequest, SimulatorRecord
from integration.permitted import COPAYMENT, RECORDS, RELIEF
from residents import mynumber as mn

WEB = Origin(ip="192.0.2.10")


@pytest.mark.django_db
def test_inquiry_outside_the_permitted_list_is_refused_and_recorded(numbered_resident, mynumber_staff, sim):
    resident, number = numbered_resident(11)
    sim.register_provider_copy(item_code="local_tax", blind_index=mn.blind_index(number), payload={"tax": "課税"})

    # tax status is permitted for the co-payment business, not for relief
    with pytest.raises(intermediate.InquiryRefused):
        intermediate.inquiry_send(
            actor=mynumber_staff, origin=WEB, resident=resident, item_code="local_tax", business=RELIEF
        )
    with pytest.raises(intermediate.InquiryRefused):
        intermediate.inquiry_send(
            actor=mynumber_staff, origin=WEB, resident=resident, item_code="medical_records", business=RECORDS
        )

    assert not Inquiry.objects.exists()
    denied = AuditRecord.objects.filter(event="denied", subject_atena=resident.atena_no)
    assert denied.count() == 2
    assert "照会許可用照合リスト" in denied.first().additional_data["reason"]

    ok = intermediate.inquiry_send(
        actor=mynumber_staff, origin=WEB, resident=resident, item_code="local_tax", business=COPAYMENT
    )
    assert ok.status == "answered"
    assert ok.answer == {"tax": "課税"}
    assert ok.legal_basis
    assert ok.business == COPAYMENT


@pytest.mark.django_db
def test_mover_in_history_inquiry(numbered_resident, mynumber_staff, sim):
    resident, number = numbered_resident(12)
    history = {"records": [{"vaccine": "MR 1期", "date": "2023-05-01", "city": "豊田市"}]}
    sim.register_provider_copy(item_code="vaccination_history", blind_index=mn.blind_index(number), payload=history)
    got = intermediate.inquiry_send(
        actor=mynumber_staff,
        origin=WEB,
        resident=resident,
        item_code="vaccination_history",
        business=RECORDS,
        purpose="転入者",
    )
    assert got.answer == history
    resident.refresh_from_db()
    assert resident.unified_no
    assert resident.number_link.unified_no == resident.unified_no


def _receive(resident, item: str, rid: str) -> ProvisionRequest:
    link = intermediate.link_ensure(resident=resident)
    return intermediate.provision_receive(
        request_id=rid,
        requester="豊田市長",
        requester_business="予防接種の実施",
        item_code=item,
        unified_no=link.unified_no,
    )


@pytest.mark.django_db
def test_auto_answer_from_registered_copy(numbered_resident, sim):
    resident, _ = numbered_resident(13)
    intermediate.copy_register(resident=resident, item_code="vaccination_history", payload={"records": ["BCG"]})
    req = _receive(resident, "vaccination_history", "REQ-1")
    assert req.status == "auto"
    assert sim.answers_received("REQ-1") == [{"status": "answered", "data": {"records": ["BCG"]}}]
    # the same request delivered twice is answered once
    assert _receive(resident, "vaccination_history", "REQ-1").pk == req.pk
    assert len(sim.answers_received("REQ-1")) == 1


@pytest.mark.django_db
def test_no_auto_answer_item_waits_for_a_supervisor(numbered_resident, sim, clerk, supervisor):
    resident, _ = numbered_resident(14)
    intermediate.copy_register(resident=resident, item_code="relief_benefit", payload={"benefit": "医療費"})
    req = _receive(resident, "relief_benefit", "REQ-2")
    assert req.status == "pending"
    assert sim.answers_received("REQ-2") == []

    with pytest.raises(PermissionDenied):
        intermediate.provision_decide(actor=clerk, origin=WEB, provision=req, approve=True)
    assert sim.answers_received("REQ-2") == []

    done = intermediate.provision_decide(actor=supervisor, origin=WEB, provision=req, approve=True, note="確認済")
    assert done.status == "approved"
    assert done.decided_by == supervisor
    assert sim.answers_received("REQ-2") == [{"status": "answered", "data": {"benefit": "医療費"}}]
    with pytest.raises(ValueError, match="既に処理"):
        intermediate.provision_decide(actor=supervisor, origin=WEB, provision=req, approve=False)


@pytest.mark.django_db
def test_rejected_answer_sends_a_refusal(numbered_resident, sim, supervisor):
    resident, _ = numbered_resident(15)
    intermediate.copy_register(resident=resident, item_code="relief_benefit", payload={"benefit": "医療費"})
    req = _receive(resident, "relief_benefit", "REQ-3")
    intermediate.provision_decide(actor=supervisor, origin=WEB, provision=req, approve=False, note="本人同意なし")
    assert sim.answers_received("REQ-3") == [{"status": "refused"}]
    assert not SimulatorRecord.objects.filter(channel="answer_out", payload__data__benefit="医療費").exists()


@pytest.mark.django_db
def test_vaccination_history_copies_follow_the_verified_records(numbered_resident, sim, mynumber_staff):
    from tests.factories.accounts import StaffFactory
    from tests.factories.immunization import RecordFactory

    resident, _ = numbered_resident(16)
    intermediate.link_ensure(resident=resident)
    verifier = StaffFactory()
    RecordFactory(resident=resident, dose_code="mr_1", verified_by=verifier)
    RecordFactory(resident=resident, dose_code="bcg", verified_by=verifier, vaccinated_on=datetime.date(2024, 9, 1))
    RecordFactory(resident=resident, dose_code="hepb_1", status="pending", verified_by=None)

    assert intermediate.copies_refresh_vaccination_history() == 1
    assert intermediate.copies_refresh_vaccination_history() == 0  # unchanged: nothing rewritten
    link = resident.number_link
    req = intermediate.provision_receive(
        request_id="REQ-H",
        requester="豊田市長",
        requester_business="予防接種の実施",
        item_code="vaccination_history",
        unified_no=link.unified_no,
    )
    assert req.status == "auto"
    answer = sim.answers_received("REQ-H")[0]["data"]["records"]
    assert [(r["vaccine"], r["date"]) for r in answer] == [("bcg", "2024-09-01"), ("mr_1", "2025-05-10")]


@pytest.mark.django_db
def test_links_sync_links_every_numbered_person_once_and_relinks_a_changed_number(numbered_resident, sim):
    from residents.models import MyNumber
    from tests.factories.residents import ResidentFactory, valid_mynumber

    a, _ = numbered_resident(17)
    b, _ = numbered_resident(18)
    ResidentFactory()  # no number: no link
    assert intermediate.links_sync() == 2
    assert intermediate.links_sync() == 0
    a.refresh_from_db()
    assert sim.person_of(a.unified_no) == mn.blind_index(valid_mynumber(17))
    new = valid_mynumber(19)
    MyNumber.objects.filter(resident=b).update(blind_index=mn.blind_index(new))
    assert intermediate.links_sync() == 1
    b.refresh_from_db()
    assert sim.person_of(b.unified_no) == mn.blind_index(new)
