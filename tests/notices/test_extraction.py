"""Extraction: the cohort, exclusions counted by reason, and where each notice is mailed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.origin import Origin
from notices import pipeline, services
from notices.models import NoticeBatch, NoticeTarget
from tests.factories.notices import reminder_spec
from tests.factories.residents import ResidentFactory

from .conftest import ON, dv_status, mailing_status

pytestmark = pytest.mark.django_db


def _extract(**kw) -> NoticeBatch:  # type: ignore[no-untyped-def]
    batch = services.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec(**kw))
    return services.batch_extract(batch_id=batch.pk)


def test_exclusions_are_counted_by_reason(elder):
    for _ in range(3):
        elder()
    elder(status="deceased")
    elder(status="moved_out")
    elder(status="deleted")
    elder(postal_code="", address="")
    ResidentFactory(birth_date=datetime.date(1990, 1, 1))  # outside the cohort: not counted at all
    batch = _extract()
    assert batch.state == NoticeBatch.State.PREVIEW
    assert batch.counts == {"": 3, "held": 0, "dead": 1, "moved_out": 2, "no_address": 1}
    assert (batch.candidates, batch.targets) == (7, 3)


def test_age_rule_counts_the_day_before_the_birthday(elder):
    turns_65 = elder(birth_date=datetime.date(1961, 11, 2))  # 65th birthday the day after ON: 65 on ON
    too_young = elder(birth_date=datetime.date(1961, 11, 3))
    batch = _extract()
    ids = set(NoticeTarget.objects.filter(batch=batch).values_list("resident_id", flat=True))
    assert turns_65.pk in ids
    assert too_young.pk not in ids


def test_recently_notified_people_are_excluded(elder):
    a, b = elder(), elder()
    first = _extract()
    pipeline.batch_run_inline(batch=first, actor=None, origin=Origin.batch())
    second = _extract(on=ON + datetime.timedelta(days=10))
    assert second.counts.get("recent") == 2
    assert second.targets == 0
    assert second.state == NoticeBatch.State.FAILED
    assert "0人" in second.error
    assert not NoticeTarget.objects.filter(batch=second).exists()
    third = _extract(on=ON + datetime.timedelta(days=40))
    assert third.targets == 2
    assert {a.pk, b.pk} == set(NoticeTarget.objects.filter(batch=third).values_list("resident_id", flat=True))


def test_dv_protected_person_is_sent_to_the_protected_address(elder):
    person = elder(address="愛知県岡崎市明大寺町3丁目4番地5", postal_code="4440864")
    dv_status(person)
    batch = _extract()
    t = NoticeTarget.objects.get(batch=batch, resident=person)
    assert t.address_source == "dv_protected"
    assert not t.held
    assert t.mail_address.startswith("愛知県岡崎市十王町")
    assert t.mail_postal_code == "4440001"
    assert "明大寺町" not in t.mail_address


def test_dv_protected_person_without_protected_address_is_held(elder):
    person = elder(address="愛知県岡崎市明大寺町3丁目4番地5")
    dv_status(person, address="")
    batch = _extract()
    t = NoticeTarget.objects.get(batch=batch, resident=person)
    assert t.held
    assert t.address_source == "dv_hold"
    assert t.mail_address == ""
    assert t.mail_postal_code == ""
    assert batch.held == 1


def test_dv_hold_policy_holds_everyone_protected(elder, settings):
    settings.NOTICE_DV_POLICY = "hold"
    person = elder()
    dv_status(person)
    mailing_status(person)  # a common mailing address does not beat DV protection
    batch = _extract()
    t = NoticeTarget.objects.get(batch=batch, resident=person)
    assert t.held
    assert t.mail_address == ""


def test_common_mailing_address_wins_over_registered(elder):
    person = elder(address="愛知県岡崎市明大寺町3丁目4番地5")
    mailing_status(person)
    t = NoticeTarget.objects.get(batch=_extract(), resident=person)
    assert t.address_source == "mailing"
    assert "欠町字清水田" in t.mail_address
    assert t.mail_postal_code == "4440011"


def test_print_order_is_by_postcode_with_held_last(elder):
    b = elder(postal_code="4440002")
    a = elder(postal_code="4440001")
    h = elder(postal_code="4440000")
    dv_status(h, address="")
    batch = _extract()
    order = list(NoticeTarget.objects.filter(batch=batch).order_by("seq").values_list("resident_id", flat=True))
    assert order == [a.pk, b.pk, h.pk]


def test_bad_input_is_refused_with_a_message_and_nothing_stored():
    with pytest.raises(ValidationError) as exc:
        services.batch_create(actor=None, origin=Origin.batch(), spec=reminder_spec(age_from=70, age_to=65))
    assert "年齢の範囲" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.batch_create(
            actor=None, origin=Origin.batch(), spec=reminder_spec(cohort="legal", dose_codes=["no_such_vaccine"])
        )
    assert "接種ルールがありません" in exc.value.messages[0]
    assert not NoticeBatch.objects.exists()


def test_empty_cohort_leaves_no_half_made_batch():
    batch = _extract()
    assert batch.state == NoticeBatch.State.FAILED
    assert "対象者が0人" in batch.error
    with pytest.raises(services.BatchStateError):
        services.batch_confirm(batch=batch, actor=None, origin=Origin.batch())
