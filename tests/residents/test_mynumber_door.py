"""The My Number door called directly, as another app's service would: the right is checked in the
service itself, a refusal is recorded through core.refusals before PermissionDenied, and the record names
the actor and the origin's address."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts import roles
from audit.models import AuditRecord
from core.origin import Origin
from residents import services
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory, give_mynumber, valid_mynumber

AT_THE_COUNTER = Origin(ip="10.0.0.7")


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["mynumber_reveal", "mynumber_search", "mynumber_register"])
def test_without_the_right_each_door_refuses_and_records_the_refusal(action):
    clerk = StaffFactory(roles=[roles.CLERK])
    resident = ResidentFactory()
    number = valid_mynumber(41)
    give_mynumber(resident, number)
    calls = {
        "mynumber_reveal": lambda: services.mynumber_reveal(
            actor=clerk, origin=AT_THE_COUNTER, resident=resident, purpose="予防接種記録の管理"
        ),
        "mynumber_search": lambda: services.resident_find_by_mynumber(
            actor=clerk, origin=AT_THE_COUNTER, number=number, purpose="予防接種記録の管理"
        ),
        "mynumber_register": lambda: services.mynumber_register(
            actor=clerk, origin=AT_THE_COUNTER, resident=resident, number=number, identity_check="個人番号カード"
        ),
    }
    with pytest.raises(PermissionDenied):
        calls[action]()
    refusal = AuditRecord.objects.get(event="denied")
    assert (refusal.actor, refusal.outcome, refusal.remote_addr) == (clerk, "denied", "10.0.0.7")
    assert refusal.additional_data == {"refused": action}
    assert refusal.subject_atena == ("" if action == "mynumber_search" else resident.atena_no)
    assert not AuditRecord.objects.filter(event__in=["mynumber_reveal", "mynumber_search", "mynumber_use"]).exists()


@pytest.mark.django_db
def test_register_then_reveal_names_the_actor_on_the_change_and_the_reveal():
    worker = StaffFactory(roles=[roles.CLERK, roles.MYNUMBER])
    resident = ResidentFactory()
    number = valid_mynumber(42)
    services.mynumber_register(
        actor=worker, origin=AT_THE_COUNTER, resident=resident, number=number, identity_check="個人番号カード"
    )
    change = AuditRecord.objects.get(content_type__model="mynumber", action=AuditRecord.Action.CREATE)
    assert (change.actor, change.remote_addr) == (worker, "10.0.0.7")
    assert number not in str(change.changes)
    assert (
        services.mynumber_reveal(actor=worker, origin=AT_THE_COUNTER, resident=resident, purpose="実費の徴収") == number
    )
    reveal = AuditRecord.objects.get(event="mynumber_reveal")
    assert (reveal.actor, reveal.purpose, reveal.outcome) == (worker, "実費の徴収", "ok")
