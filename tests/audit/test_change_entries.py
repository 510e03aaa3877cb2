"""`changes_by` names the actor on django-auditlog's own change entries outside a request, and leaves a
request's context working after it; `change_record_bulk` writes entries for rows written in bulk."""

from __future__ import annotations

import datetime

import pytest
from auditlog.context import set_actor

from audit.models import AuditRecord
from audit.services import change_record_bulk, changes_by
from core.origin import Origin
from residents import registry
from residents.models import Household
from tests.factories.accounts import StaffFactory
from tests.factories.residents import ResidentFactory


def _status(resident, actor, code="課税"):  # type: ignore[no-untyped-def]
    return registry.status_add(
        resident=resident,
        kind="tax",
        code=code,
        valid_from=datetime.date(2026, 4, 1),
        fiscal_year=2026,
        source="test",
        actor=actor,
        origin=Origin.batch(),
    )


def _entry(obj) -> AuditRecord:  # type: ignore[no-untyped-def]
    return AuditRecord.objects.get(content_type__model=obj._meta.model_name, object_pk=str(obj.pk))


@pytest.mark.django_db
def test_a_feed_run_by_a_staff_member_names_them_and_a_scheduled_one_names_nobody():
    staff = StaffFactory()
    resident = ResidentFactory()
    assert _entry(_status(resident, staff)).actor == staff
    assert _entry(_status(resident, None, code="非課税")).actor is None


@pytest.mark.django_db
def test_the_outer_context_of_a_request_still_names_its_user_afterwards():
    web_user, feed_actor = StaffFactory(), StaffFactory()
    resident = ResidentFactory()
    with set_actor(web_user, remote_addr="10.0.0.1"):  # what the request's middleware does
        with changes_by(feed_actor, Origin(ip="10.0.0.2")):
            inner = Household.objects.create(household_no="900000001")
        outer = Household.objects.create(household_no="900000002")
    assert (_entry(inner).actor, _entry(inner).remote_addr) == (feed_actor, "10.0.0.2")
    assert (_entry(outer).actor, _entry(outer).remote_addr) == (web_user, "10.0.0.1")
    assert _entry(_status(resident, None)).actor is None  # and nothing leaks past the request


@pytest.mark.django_db
def test_bulk_entries_have_auditlogs_format():
    staff = StaffFactory()
    created, updated = ResidentFactory(), ResidentFactory()
    n = change_record_bulk(
        created=[created],
        updated=[(updated, {"name": ["岡崎　太郎", "岡崎　次郎"]})],
        fields=["name", "atena_no"],
        actor=staff,
        origin=Origin.batch(),
    )
    assert n == 2
    made = AuditRecord.objects.get(object_pk=str(created.pk), actor=staff)
    assert made.action == AuditRecord.Action.CREATE
    assert set(made.changes) == {"name", "atena_no"}
    changed = AuditRecord.objects.get(object_pk=str(updated.pk), actor=staff)
    assert (changed.action, changed.changes, changed.username) == (
        AuditRecord.Action.UPDATE,
        {"name": ["岡崎　太郎", "岡崎　次郎"]},
        staff.username,
    )
