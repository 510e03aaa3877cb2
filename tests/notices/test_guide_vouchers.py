"""Guide letters with vouchers: one voucher per target and dose, its number drawn as Code 128 on the right
page, co-payment class from billing's hook (要確認 until it decides), vaccinated people excluded."""

from __future__ import annotations

import datetime

import pytest

from core.origin import Origin
from immunization.models import Voucher
from immunization.vouchers import voucher_number_valid
from notices import hooks, pipeline, services
from notices.models import NoticeBatch, NoticeChunk, NoticeTarget
from notices.services import STORAGE
from tests.factories.accounts import StaffFactory
from tests.factories.immunization import RecordFactory
from tests.factories.notices import reminder_spec

from . import pdfread

pytestmark = pytest.mark.django_db


def _guide(**kw) -> NoticeBatch:  # type: ignore[no-untyped-def]
    spec = reminder_spec(kind="guide", **kw)
    return services.batch_extract(batch_id=services.batch_create(actor=None, origin=Origin.batch(), spec=spec).pk)


def _record(resident, status, on):  # type: ignore[no-untyped-def]
    keyer, verifier = StaffFactory(), StaffFactory()
    extra = {"verified_by": verifier} if status == "verified" else {"verified_by": None, "verified_at": None}
    if status == "rejected":
        extra["rejected_reason"] = "誤入力"
    return RecordFactory(
        resident=resident, dose_code="flu_elderly", vaccinated_on=on, status=status, keyed_by=keyer, **extra
    )


def test_vaccinated_or_in_verification_this_season_are_excluded(elder):
    verified, pending, rejected, last_season, none = (elder() for _ in range(5))
    _record(verified, "verified", datetime.date(2026, 10, 20))
    _record(pending, "pending", datetime.date(2026, 10, 21))
    _record(rejected, "rejected", datetime.date(2026, 10, 22))
    _record(last_season, "verified", datetime.date(2025, 11, 1))
    batch = _guide()
    assert batch.counts.get("vaccinated") == 2
    targets = set(NoticeTarget.objects.filter(batch=batch, excluded_reason="").values_list("resident_id", flat=True))
    assert targets == {rejected.pk, last_season.pk, none.pk}


def test_each_target_gets_one_voucher_printed_as_a_barcode_on_its_page(elder, settings):
    settings.NOTICE_CHUNK_SIZE = 2
    settings.ADAPTERS = {k: v for k, v in settings.ADAPTERS.items() if k != "COPAYMENT_CLASSES"}  # no source yet
    people = [elder() for _ in range(3)]
    batch = pipeline.batch_run_inline(batch=_guide(), actor=None, origin=Origin.batch())
    vouchers = Voucher.objects.filter(batch_ref=batch.batch_ref)
    assert vouchers.count() == 3
    for p in people:
        v = vouchers.get(resident=p)
        assert voucher_number_valid(v.number)
        t = NoticeTarget.objects.get(batch=batch, resident=p)
        r = pdfread.reader(STORAGE.absolute(t.print_file.path).read_bytes())
        letter = pdfread.page_text(r, t.first_page - 1)
        voucher_page = pdfread.page_text(r, t.first_page)
        assert p.name.replace("　", "") in letter.replace("　", "")
        assert v.number in letter
        assert pdfread.code128_values(r, t.first_page) == [v.number]
        assert p.atena_no in voucher_page
        assert "要確認" in voucher_page  # B class, no co-payment decision yet
    # a chunk redone after a lost acknowledgement issues nothing new and prints the same numbers
    chunk = batch.chunks.order_by("no").first()
    NoticeChunk.objects.filter(pk=chunk.pk).update(state="pending")
    NoticeBatch.objects.filter(pk=batch.pk).update(state="running")
    services.chunk_render(chunk_id=chunk.pk)
    assert Voucher.objects.filter(batch_ref=batch.batch_ref).count() == 3


def test_copayment_class_from_billing_hook_is_printed(elder, settings):
    exempt, payer = elder(), elder()
    settings.ADAPTERS = {**settings.ADAPTERS, "COPAYMENT_CLASSES": "tests.notices.test_guide_vouchers.only_first"}
    ONLY_FIRST[:] = [exempt.pk]
    batch = pipeline.batch_run_inline(batch=_guide(), actor=None, origin=Origin.batch())
    for person, text in ((exempt, "免除(生活保護)"), (payer, "要確認")):
        t = NoticeTarget.objects.get(batch=batch, resident=person)
        r = pdfread.reader(STORAGE.absolute(t.print_file.path).read_bytes())
        assert text in pdfread.page_text(r, t.first_page)
    assert Voucher.objects.get(batch_ref=batch.batch_ref, resident=exempt).copayment_class == "免除(生活保護)"
    assert Voucher.objects.get(batch_ref=batch.batch_ref, resident=payer).copayment_class is None


def test_reissue_at_the_counter_voids_the_old_voucher_and_prints_the_new_one(elder, staff_client):
    from django.urls import reverse

    from accounts import roles

    person = elder()
    batch = pipeline.batch_run_inline(batch=_guide(), actor=None, origin=Origin.batch())
    old = Voucher.objects.get(batch_ref=batch.batch_ref, resident=person)
    client, _ = staff_client(roles.CLERK)
    url = reverse("notices:voucher_reissue", args=[old.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    resp = client.post(url, {"reason": "紛失"})
    assert resp.status_code == 200
    old.refresh_from_db()
    new = Voucher.objects.get(replaces=old)
    assert old.status == "voided"
    assert new.number != old.number
    r = pdfread.reader(resp.content)
    assert pdfread.code128_values(r, 1) == [new.number]
    assert "再発行" in pdfread.page_text(r, 0)
    assert client.post(url, {"reason": "もう一度"}).status_code == 400  # a voided voucher is not re-issued again


def test_vouchers_say_to_check_when_no_copayment_decision_answers(elder, settings):
    person, other = elder(), elder()
    settings.ADAPTERS = {**settings.ADAPTERS, "COPAYMENT_CLASSES": "tests.notices.test_guide_vouchers.only_first"}
    ONLY_FIRST[:] = [person.pk]
    assert hooks.copayment_classes([person.pk, other.pk], "flu_elderly", datetime.date(2026, 11, 1)) == {
        person.pk: "免除(生活保護)",
        other.pk: "要確認",
    }
    settings.ADAPTERS = {k: v for k, v in settings.ADAPTERS.items() if k != "COPAYMENT_CLASSES"}
    assert set(hooks.copayment_classes([person.pk], "flu_elderly", datetime.date(2026, 11, 1)).values()) == {"要確認"}


ONLY_FIRST: list[int] = []


def only_first(resident_ids, dose_code, on):  # type: ignore[no-untyped-def]
    return {rid: "免除(生活保護)" for rid in resident_ids if rid in ONLY_FIRST}
