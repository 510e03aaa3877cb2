"""Intake: bad input refused in Japanese with nothing stored; claim deadlines and late claims."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditRecord
from immunization.doses import label as dose_label
from relief.models import Claim
from tests.factories.relief import ClaimFactory
from tests.factories.residents import ResidentFactory

D = datetime.date


def _form(resident, **over):  # type: ignore[no-untyped-def]
    data = {
        "atena_no": resident.atena_no,
        "relationship": "self",
        "vaccine_code": "covid_elderly",
        "dose_label": "令和8年度",
        "vaccinated_on": "2026-10-01",
        "benefit": "medical_costs",
        "injury": "接種後 心筋炎で入院",
        "onset_on": "2026-10-03",
        "treatment_from": "2026-10-03",
        "treatment_to": "2026-10-20",
        "costs_paid_on": "2026-10-20",
        "received_on": "2026-11-02",
        "hospital": "岡崎市民病院",
    }
    data.update(over)
    return data


@pytest.fixture
def elder(db):
    return ResidentFactory(name="矢作　一郎", name_kana="ヤハギ　イチロウ", birth_date=D(1950, 6, 1))


@pytest.mark.django_db
def test_self_claim_is_received_with_claimant_from_the_register(worker, elder):
    client, staff = worker
    resp = client.post("/relief/new/", _form(elder))
    assert resp.status_code == 302
    claim = Claim.objects.get()
    assert claim.claimant_resident == elder
    assert claim.claimant_name == "矢作　一郎"
    assert claim.vaccine_class == "B"
    assert claim.deadline_on == D(2031, 10, 20)
    assert not claim.past_deadline
    assert claim.claim_no == "2026-00001"
    assert claim.created_by == staff
    page = client.get(resp["Location"]).content.decode()
    assert "令和13年10月20日" in page  # the deadline, in the era calendar


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"onset_on": "2026-09-30"}, "発症日が接種日より前です。"),
        ({"treatment_to": "2026-10-02"}, "治療終了日が治療開始日より前"),
        ({"treatment_from": "2026-10-02"}, "治療開始日が発症日より前です。"),
        ({"received_on": "2026-10-02"}, "受付日が発症日より前です。"),
        ({"vaccinated_on": "1949-01-01", "onset_on": "1949-01-02"}, "接種日が被接種者の生年月日より前です。"),
        ({"onset_on": "2099-01-01"}, "発症日に未来の日付は入力できません。"),
        ({"vaccinated_on": "2026-02-30"}, "存在しない日付です"),
        ({"benefit": "child_pension"}, "「障害児養育年金」はB類疾病の予防接種による健康被害には支給されません。"),
        ({"benefit": "death_lump_sum"}, "「死亡一時金」はB類疾病の予防接種による健康被害には支給されません。"),
        ({"benefit": "bereaved_pension"}, "死亡に関する給付には死亡日が必要です。"),
        ({"costs_paid_on": ""}, "請求期限の起算日(医療費を支払った日)が必要です。"),
        ({"atena_no": "999999999"}, "この宛番号の住民は登録されていません。"),
    ],
)
def test_bad_intake_is_refused_in_japanese_and_nothing_is_stored(worker, elder, over, message):
    client, _staff = worker
    resp = client.post("/relief/new/", _form(elder, **over))
    assert resp.status_code == 400
    body = resp.content.decode()
    assert message in body
    assert "何も登録していません" in body
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_refused_intake_is_audited(worker, elder):
    client, staff = worker
    client.post("/relief/new/", _form(elder, benefit="child_pension"))
    rec = AuditRecord.objects.filter(event="denied", username=staff.username).latest("chain_seq")
    assert rec.outcome == "invalid"
    assert rec.subject_atena == elder.atena_no
    assert "benefit" in rec.additional_data["errors"]
    assert (
        "「障害児養育年金」はB類疾病の予防接種による健康被害には支給されません。"
        in rec.additional_data["errors"]["benefit"]
    )


@pytest.mark.django_db
def test_a_class_child_benefits_follow_age_and_claimant(worker):
    client, _ = worker
    child = ResidentFactory(birth_date=D(2024, 4, 1))
    base = {
        "atena_no": child.atena_no,
        "relationship": "guardian",
        "claimant_name": "岡崎　花子",
        "claimant_address": "岡崎市康生町1",
        "vaccine_code": "mr_1",
        "vaccinated_on": "2025-04-10",
        "benefit": "disability_pension",
        "injury": "脳症",
        "onset_on": "2025-04-12",
        "received_on": "2026-05-01",
    }
    resp = client.post("/relief/new/", base)
    assert "障害年金は18歳以上の方が対象です(18歳未満は障害児養育年金)。" in resp.content.decode()
    resp = client.post("/relief/new/", {**base, "benefit": "child_pension", "relationship": "self"})
    assert "障害児養育年金は保護者が請求します。" in resp.content.decode()
    resp = client.post("/relief/new/", {**base, "benefit": "child_pension"})
    assert resp.status_code == 302
    assert Claim.objects.get().deadline_on is None  # A-class: no statutory limit


@pytest.mark.django_db
def test_past_deadline_needs_a_recorded_reason_and_is_flagged(worker, elder):
    client, _staff = worker
    late = _form(
        elder,
        vaccinated_on="2019-10-01",
        onset_on="2019-10-03",
        treatment_from="2019-10-03",
        treatment_to="2019-10-20",
        costs_paid_on="2019-10-20",
        received_on="2026-11-02",
        vaccine_code="flu_elderly",
    )
    resp = client.post("/relief/new/", late)
    assert resp.status_code == 400
    assert "請求期限(令和6年10月20日、医療費を支払った日から5年)を過ぎています。" in resp.content.decode()
    assert Claim.objects.count() == 0

    resp = client.post("/relief/new/", {**late, "late_reason": "災害により請求できなかったことを証明書で確認"})
    assert resp.status_code == 302
    claim = Claim.objects.get()
    assert claim.past_deadline
    assert claim.late_reason.startswith("災害により")
    assert "期限経過" in client.get("/relief/?late=1").content.decode()
    assert claim.claim_no in client.get("/relief/?late=1").content.decode()
    assert "受け付けた理由: 災害により" in client.get(f"/relief/{claim.pk}/").content.decode()


@pytest.mark.django_db
def test_database_refuses_a_late_claim_without_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(past_deadline=True, late_reason="")


@pytest.mark.django_db
def test_bereaved_claims_for_b_class_use_the_death_date(worker, elder):
    client, _ = worker
    resp = client.post(
        "/relief/new/",
        _form(
            elder,
            relationship="bereaved",
            claimant_name="矢作　花子",
            claimant_address="岡崎市明大寺町1",
            benefit="bereaved_lump_sum",
            death_on="2026-10-25",
            costs_paid_on="",
        ),
    )
    assert resp.status_code == 302, resp.content.decode()
    claim = Claim.objects.get()
    assert claim.deadline_on == D(2031, 10, 25)
    assert claim.claimant_resident is None
    resp = client.post("/relief/new/", _form(elder, relationship="bereaved", claimant_name="x", claimant_address="y"))
    assert "遺族が請求できるのは死亡に関する給付だけです。" in resp.content.decode()


@pytest.mark.django_db
def test_claim_links_the_verified_vaccination_records(worker, staff_client):
    from tests.factories.accounts import StaffFactory
    from tests.factories.immunization import RecordFactory

    client, staff = worker
    verifier = StaffFactory()
    child = ResidentFactory(birth_date=D(2024, 4, 1))
    mr = RecordFactory(resident=child, dose_code="mr_1", vaccinated_on=D(2025, 4, 10), verified_by=verifier)
    later = RecordFactory(resident=child, dose_code="varicella_1", vaccinated_on=D(2025, 6, 1), verified_by=verifier)
    stranger = RecordFactory(dose_code="mr_1", vaccinated_on=D(2025, 4, 10), verified_by=verifier)

    choices = client.get("/relief/new/records/", {"atena_no": child.atena_no})
    body = choices.content.decode()
    assert f'value="{mr.pk}"' in body
    assert f'value="{later.pk}"' in body
    assert f'value="{stranger.pk}"' not in body
    assert AuditRecord.objects.filter(event="view", subject_atena=child.atena_no, username=staff.username).exists()

    base = {
        "atena_no": child.atena_no,
        "relationship": "guardian",
        "claimant_name": "岡崎　花子",
        "claimant_address": "岡崎市康生町1",
        "benefit": "medical_costs",
        "injury": "けいれん",
        "onset_on": "2025-04-12",
        "treatment_from": "2025-04-12",
        "received_on": "2026-05-01",
    }
    resp = client.post("/relief/new/", {**base, "records": [stranger.pk]})
    assert resp.status_code == 400
    assert "選んだ接種記録は、この被接種者の照合済の記録ではありません。" in resp.content.decode()
    assert Claim.objects.count() == 0

    resp = client.post("/relief/new/", {**base, "records": [mr.pk, later.pk]})
    assert resp.status_code == 302
    claim = Claim.objects.get()
    assert set(claim.records.all()) == {mr, later}
    # the dose the claim is about: the latest one given before the onset
    assert (claim.vaccine_code, claim.vaccinated_on, claim.vaccine_class) == ("mr_1", D(2025, 4, 10), "A")
    assert claim.vaccinated_at == mr.institution.name
    page = client.get(f"/relief/{claim.pk}/").content.decode()
    assert dose_label("mr_1") in page
    assert f"ロット {mr.lot_no}" in page


@pytest.mark.django_db
def test_without_records_the_dose_and_date_are_required(worker, elder):
    client, _ = worker
    resp = client.post("/relief/new/", _form(elder, vaccine_code="", vaccinated_on=""))
    assert resp.status_code == 400
    assert "接種記録を選ぶか、接種区分と接種日を入力してください。" in resp.content.decode()


# Born 15 June 2008: the 18th birthday is 15 June 2026, and by the legal-age rule 18 is reached the day
# before, on 14 June. From then on the pension for a disability is 障害年金, before it 障害児養育年金.
CHILD_ONLY = "障害年金は18歳以上の方が対象です(18歳未満は障害児養育年金)。"
ADULT_ONLY = "障害児養育年金は18歳未満の方が対象です(18歳以上は障害年金)。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received_on", "benefit", "refused"),
    [
        ("2026-06-13", "child_pension", None),  # two days before the birthday: still 17
        ("2026-06-13", "disability_pension", CHILD_ONLY),
        ("2026-06-14", "child_pension", ADULT_ONLY),  # the day before the birthday: 18 already
        ("2026-06-14", "disability_pension", None),
        ("2026-06-15", "child_pension", ADULT_ONLY),  # the birthday
        ("2026-06-15", "disability_pension", None),
    ],
)
def test_the_18_year_pension_line_follows_the_legal_age(worker, received_on, benefit, refused):
    client, _ = worker
    youth = ResidentFactory(birth_date=D(2008, 6, 15))
    resp = client.post(
        "/relief/new/",
        {
            "atena_no": youth.atena_no,
            "relationship": "guardian",
            "claimant_name": "岡崎　花子",
            "claimant_address": "岡崎市康生町1",
            "vaccine_code": "mr_1",
            "vaccinated_on": "2009-06-20",
            "benefit": benefit,
            "injury": "脳症の後遺症",
            "onset_on": "2009-06-22",
            "received_on": received_on,
        },
    )
    if refused is None:
        assert resp.status_code == 302, resp.content.decode()
        assert Claim.objects.get().benefit == benefit
    else:
        assert resp.status_code == 400
        assert refused in resp.content.decode()
        assert Claim.objects.count() == 0
