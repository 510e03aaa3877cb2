"""Contract tests: each adapter named in settings.ADAPTERS, called as the apps call it, against the
simulated national side."""

from __future__ import annotations

import datetime
import inspect
import json

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditRecord
from core import adapters
from core.adapters import get_adapter
from integration.models import Inquiry
from integration.simulator import national
from residents import mynumber as mn
from tests.factories.residents import ResidentFactory

ACCOUNT = {
    "bank_code": "0005",
    "bank_name": "三菱ＵＦＪ銀行",
    "branch_code": "351",
    "branch_name": "岡崎支店",
    "account_type": "普通",
    "account_no": "1234567",
    "holder_kana": "オカザキ　タロウ",
}


def _notice(nid: str, atena_no: str, **over) -> dict:
    return {
        "notice_id": nid,
        "atena_no": atena_no,
        "title": "予防接種のお知らせ",
        "body": "本文",
        "batch_ref": "B1",
        **over,
    }


@pytest.mark.django_db
def test_mynaportal_delivers_one_notice_per_target_and_reports_failures(numbered_resident, sim):
    a, _ = numbered_resident(1)
    b, _ = numbered_resident(2)
    no_number = ResidentFactory()
    send = get_adapter("MYNAPORTAL_NOTICE")

    out = send(
        [
            _notice("n1", a.atena_no),
            _notice("n2", b.atena_no),
            _notice("n3", no_number.atena_no),
            _notice("n4", "999999999"),
            _notice("n5", a.atena_no, title="長" * 51),
        ]
    )

    assert [r["notice_id"] for r in out] == ["n1", "n2", "n3", "n4", "n5"]
    assert [r["status"] for r in out] == ["delivered", "delivered", "failed", "failed", "failed"]
    assert "紐付け" in out[2]["message"]
    assert "宛番号" in out[3]["message"]
    assert "件名" in out[4]["message"]
    got = sim.received_notices(batch_ref="B1")
    assert sorted(n["atena_no"] for n in got) == sorted([a.atena_no, b.atena_no])
    assert {n["notice_id"] for n in got} == {"n1", "n2"}
    # the national side is addressed by 団体内統合宛名番号, never by the My Number
    a.refresh_from_db()
    assert got[0]["unified_no"] in {a.unified_no, b.__class__.objects.get(pk=b.pk).unified_no}
    assert AuditRecord.objects.filter(event="export", purpose="マイナポータルお知らせ送信").count() == 2


@pytest.mark.django_db
def test_mynaportal_outage_fails_every_notice_without_recording(numbered_resident, sim):
    a, _ = numbered_resident(3)
    sim.set_outage("mynaportal")
    out = get_adapter("MYNAPORTAL_NOTICE")([_notice("n1", a.atena_no)])
    assert out[0]["status"] == "failed"
    assert sim.received_notices() == []


@pytest.mark.django_db
def test_mynaportal_rejects_fields_outside_the_format(numbered_resident, sim):
    a, _ = numbered_resident(4)
    out = get_adapter("MYNAPORTAL_NOTICE")([_notice("n1", a.atena_no, mynumber="123")])
    assert out[0]["status"] == "failed"
    assert "形式にない項目" in out[0]["message"]
    assert sim.received_notices() == []


@pytest.mark.django_db
def test_public_funds_account_lookup_returns_the_registered_account(numbered_resident, relief_staff, sim):
    resident, number = numbered_resident(5)
    sim.register_provider_copy(item_code="public_funds_account", blind_index=mn.blind_index(number), payload=ACCOUNT)

    got = get_adapter("PUBLIC_FUNDS_ACCOUNT")(resident, requested_by=relief_staff, purpose="医療費の支給")

    assert got == ACCOUNT
    inquiry = Inquiry.objects.get()
    assert inquiry.business == "健康被害の救済"
    assert "公金受取口座登録法" in inquiry.legal_basis
    assert inquiry.requested_by == relief_staff
    rec = AuditRecord.objects.get(event="mynumber_use", subject_atena=resident.atena_no)
    assert rec.additional_data["network_inquiry"] == "public_funds_account"
    assert number not in json.dumps(rec.additional_data)


@pytest.mark.django_db
def test_public_funds_account_none_when_not_registered_or_no_number(numbered_resident, relief_staff):
    resident, _ = numbered_resident(6)
    lookup = get_adapter("PUBLIC_FUNDS_ACCOUNT")
    assert lookup(resident, requested_by=relief_staff, purpose="医療費の支給") is None
    assert lookup(ResidentFactory(), requested_by=relief_staff, purpose="医療費の支給") is None
    assert list(Inquiry.objects.values_list("status", flat=True).order_by("id")) == ["no_data", "error"]


@pytest.mark.django_db
def test_public_funds_account_refused_without_the_right(numbered_resident, clerk, sim):
    resident, number = numbered_resident(7)
    sim.register_provider_copy(item_code="public_funds_account", blind_index=mn.blind_index(number), payload=ACCOUNT)
    with pytest.raises(PermissionDenied):
        get_adapter("PUBLIC_FUNDS_ACCOUNT")(resident, requested_by=clerk, purpose="医療費の支給")
    assert not Inquiry.objects.exists()
    assert AuditRecord.objects.filter(event="denied", subject_atena=resident.atena_no).count() == 1


def _verify(number: str, user, **over):
    args = {
        "mynumber": number,
        "name": "岡崎　太郎",
        "sex": "1",
        "birth_date": datetime.date(1980, 4, 1),
        "address": "愛知県岡崎市康生町1丁目1番地",
        "requested_by": user,
        **over,
    }
    return get_adapter("JUKINET_VERIFY")(**args)


@pytest.mark.django_db
def test_jukinet_match_mismatch_and_not_found(numbered_resident, mynumber_staff):
    _resident, number = numbered_resident(8)

    assert _verify(number, mynumber_staff)["result"] == "match"
    # width and spacing do not matter; a wrong birth date does
    assert _verify(number, mynumber_staff, name="岡崎太郎", address="岡崎市康生町１丁目１番地")["result"] == "match"
    wrong = _verify(number, mynumber_staff, birth_date=datetime.date(1980, 4, 2))
    assert wrong["result"] == "mismatch"
    assert wrong["fields"] == {"name": "match", "sex": "match", "birth_date": "mismatch", "address": "match"}
    unknown = number[:10] + "00"
    unknown = unknown[:11] + str(mn.check_digit(unknown[:11]))
    assert _verify(unknown, mynumber_staff)["result"] == "not_found"
    bad_digit = number[:11] + str((int(number[11]) + 1) % 10)
    assert _verify(bad_digit, mynumber_staff)["result"] == "not_found"


@pytest.mark.django_db
def test_jukinet_knows_people_from_other_cities_through_the_simulator(mynumber_staff, sim):
    number = "123456789018"
    number = number[:11] + str(mn.check_digit(number[:11]))
    sim.register_juki(
        blind_index=mn.blind_index(number),
        name="豊田　花子",
        sex="2",
        birth_date=datetime.date(1990, 1, 2),
        address="愛知県豊田市西町1丁目",
    )
    out = _verify(
        number,
        mynumber_staff,
        name="豊田　花子",
        sex="2",
        birth_date=datetime.date(1990, 1, 2),
        address="愛知県豊田市西町1丁目",
    )
    assert out["result"] == "match"


@pytest.mark.django_db
def test_jukinet_logs_without_the_number_and_refuses_without_the_right(numbered_resident, mynumber_staff, clerk):
    resident, number = numbered_resident(9)
    _verify(number, mynumber_staff)
    rec = AuditRecord.objects.get(event="mynumber_use", purpose="住基ネット本人確認")
    assert rec.subject_atena == resident.atena_no
    assert number not in json.dumps(rec.additional_data)
    assert rec.additional_data["mynumber_blind_index"] == mn.blind_index(number)
    with pytest.raises(PermissionDenied):
        _verify(number, clerk)
    assert AuditRecord.objects.filter(event="denied", actor=clerk).count() == 1


@pytest.mark.django_db
def test_real_national_side_is_refused_not_faked(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.INTEGRATION_NATIONAL_SIDE = "production"
    with pytest.raises(ImproperlyConfigured):
        national()


@pytest.mark.parametrize(
    ("name", "protocol"),
    [
        ("PUBLIC_FUNDS_ACCOUNT", adapters.PublicFundsAccountLookup),
        ("MYNAPORTAL_NOTICE", adapters.MynaportalSender),
        ("JUKINET_VERIFY", adapters.JukinetVerifier),
    ],
)
def test_each_adapter_has_the_signature_of_its_protocol(name, protocol):
    """The apps call the adapters through core.adapters' Protocols: same parameters, same kinds, same defaults."""

    def shape(fn):
        params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
        return [(p.name, p.kind, p.default) for p in params]

    assert shape(get_adapter(name)) == shape(protocol.__call__)
