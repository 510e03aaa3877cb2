"""The workflow: steps in order, refused out of order, payments and pension instalments, letters."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from audit.models import AuditRecord
from core.storage import PrivateStorage
from relief import services
from relief.models import PayeeAccount, Payment
from tests.factories.relief import ClaimFactory, assign, rate
from tests.relief.conftest import ORIGIN

D = datetime.date


def _pdf_text(letter) -> str:  # type: ignore[no-untyped-def]
    reader = PdfReader(io.BytesIO(PrivateStorage("relief").read(letter.storage_path, letter.sha256)))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def _declared(claim, staff) -> None:  # type: ignore[no-untyped-def]
    services.account_declare(
        actor=staff,
        origin=ORIGIN,
        claim=claim,
        values={
            "bank_code": "0150",
            "bank_name": "岡崎信用金庫",
            "branch_code": "001",
            "branch_name": "本店",
            "account_type": "1",
            "account_no": "1234567",
            "holder_kana": "オカザキ　ハナコ",
        },
    )


def _to_notified(claim, staff, *, result="certified", grade=""):  # type: ignore[no-untyped-def]
    for to, on in [("investigating", D(2026, 4, 15)), ("forwarded", D(2026, 5, 1))]:
        claim = services.claim_transition(actor=staff, origin=ORIGIN, claim=claim, to_state=to, on_date=on)
    claim = services.claim_transition(
        actor=staff,
        origin=ORIGIN,
        claim=claim,
        to_state="result_received",
        on_date=D(2026, 8, 3),
        result=result,
        grade=grade,
    )
    return services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="notified", on_date=D(2026, 8, 5)
    )


@pytest.mark.django_db
def test_lump_sum_claim_from_intake_to_paid(worker):
    _, staff = worker
    claim = ClaimFactory(benefit="medical_costs")
    assign(claim, staff)
    claim = _to_notified(claim, staff)
    assert claim.state == "notified"
    assert claim.result == "certified"
    assert [e.to_state for e in claim.events.exclude(to_state="")] == [
        "investigating",
        "forwarded",
        "result_received",
        "notified",
    ]
    assert all(e.actor == staff for e in claim.events.all())

    _declared(claim, staff)
    claim = services.payment_decide(actor=staff, origin=ORIGIN, claim=claim, decided_on=D(2026, 8, 20), amount=48_320)
    assert claim.state == "payment_decided"
    (payment,) = claim.payments.all()
    assert (payment.amount, payment.due_on, payment.status) == (48_320, D(2026, 9, 15), "scheduled")

    services.payment_mark_paid(actor=staff, origin=ORIGIN, payment=payment, paid_on=D(2026, 9, 15))
    claim.refresh_from_db()
    assert claim.state == "paid"


@pytest.mark.django_db
def test_pension_gets_quarterly_instalments_from_the_month_after_receipt(worker):
    _, staff = worker
    rate("disability_pension", 4_138_800, grade="2級")
    claim = ClaimFactory(
        benefit="disability_pension",
        relationship="self",
        resident__birth_date=D(1990, 5, 1),
        received_on=D(2026, 4, 10),
    )
    assign(claim, staff)
    claim = _to_notified(claim, staff, grade="2級")
    _declared(claim, staff)
    claim = services.payment_decide(actor=staff, origin=ORIGIN, claim=claim, decided_on=D(2026, 8, 20))
    rows = [(p.period_from, p.period_to, p.due_on, p.amount) for p in claim.payments.order_by("seq")]
    monthly = 4_138_800 // 12  # 344,900
    assert rows == [
        # May–Sep paid at the first pay day after the decision (back pay), then quarterly to March
        (D(2026, 5, 1), D(2026, 9, 30), D(2026, 10, 15), monthly * 5),
        (D(2026, 10, 1), D(2026, 12, 31), D(2027, 1, 15), monthly * 3),
        (D(2027, 1, 1), D(2027, 3, 31), D(2027, 4, 15), monthly * 3),
    ]
    first = claim.payments.get(seq=1)
    with pytest.raises(ValidationError):
        services.payment_mark_paid(
            actor=staff, origin=ORIGIN, payment=first, paid_on=D(2026, 8, 19)
        )  # before the decision
    services.payment_mark_paid(actor=staff, origin=ORIGIN, payment=first, paid_on=D(2026, 10, 15))
    claim.refresh_from_db()
    assert claim.state == "paid"
    assert claim.payments.filter(status="paid").count() == 1


def test_instalments_add_up_to_the_annual_amount():
    rows = services.pension_instalments(
        first_month=D(2026, 4, 1), last_month=D(2027, 3, 1), not_before=D(2026, 4, 1), annual={2026: 1_617_601}
    )
    assert [r["due_on"] for r in rows] == [D(2026, 7, 15), D(2026, 10, 15), D(2027, 1, 15), D(2027, 4, 15)]
    assert sum(r["amount"] for r in rows) == 1_617_601


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("to_state", "message"),
    [
        ("forwarded", "「受付」から「進達済(県・厚生労働省)」へは進めません"),
        ("notified", "「受付」から「決定通知済」へは進めません"),
        ("paid", "「受付」から「支払済」へは進めません"),
    ],
)
def test_out_of_order_steps_are_refused_and_recorded(worker, to_state, message):
    client, staff = worker
    claim = ClaimFactory()
    assign(claim, staff)
    with pytest.raises(ValidationError) as exc:
        services.claim_transition(actor=staff, origin=ORIGIN, claim=claim, to_state=to_state, on_date=D(2026, 5, 1))
    assert message in str(exc.value)
    claim.refresh_from_db()
    assert claim.state == "received"
    assert not claim.events.exclude(to_state="received").exists()
    denied = AuditRecord.objects.filter(event="denied", username=staff.username).latest("chain_seq")
    assert denied.outcome == "invalid"
    assert message in denied.additional_data["errors"]["to_state"][0]

    resp = client.post(f"/relief/{claim.pk}/transition/", {"to_state": to_state, "on_date": "2026-05-01"})
    assert resp.status_code == 400
    assert message in resp.content.decode()


@pytest.mark.django_db
def test_step_dated_before_the_previous_step_is_refused(worker):
    _, staff = worker
    claim = ClaimFactory(received_on=D(2026, 4, 10))
    assign(claim, staff)
    with pytest.raises(ValidationError) as exc:
        services.claim_transition(
            actor=staff, origin=ORIGIN, claim=claim, to_state="investigating", on_date=D(2026, 4, 9)
        )
    assert "前の手続の日(令和8年4月10日)より前です" in str(exc.value)
    with pytest.raises(ValidationError, match="未来の日付"):
        services.claim_transition(
            actor=staff, origin=ORIGIN, claim=claim, to_state="investigating", on_date=D(2099, 1, 1)
        )


@pytest.mark.django_db
def test_not_certified_claim_cannot_be_paid_and_gets_a_non_payment_letter(worker):
    _, staff = worker
    claim = ClaimFactory()
    assign(claim, staff)
    claim = _to_notified(claim, staff, result="not_certified")
    _declared(claim, staff)
    with pytest.raises(ValidationError, match="否認された申請は支給決定できません"):
        services.payment_decide(actor=staff, origin=ORIGIN, claim=claim, decided_on=D(2026, 8, 20), amount=1000)
    assert not Payment.objects.filter(claim=claim).exists()
    claim = services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="not_paid", on_date=D(2026, 8, 20)
    )
    letter = claim.letters.get(kind="non_payment")
    text = _pdf_text(letter)
    assert "不支給決定通知書" in text
    assert "支給しないことに決定しました" in text
    assert "審査請求" in text
    claim = services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="appealed", on_date=D(2026, 9, 1)
    )
    assert claim.appealed_on == D(2026, 9, 1)


@pytest.mark.django_db
def test_payment_needs_an_account_and_a_rate_for_the_year(worker):
    _, staff = worker
    claim = ClaimFactory(benefit="funeral", relationship="bereaved", death_on=D(2025, 7, 1))
    assign(claim, staff)
    claim = _to_notified(claim, staff)
    with pytest.raises(ValidationError) as exc:
        services.payment_decide(actor=staff, origin=ORIGIN, claim=claim, decided_on=D(2026, 8, 20))
    text = str(exc.value)
    assert "振込口座" in text
    _declared(claim, staff)
    with pytest.raises(ValidationError, match=r"令和8年度.*葬祭料.*給付額が登録されていません"):
        services.payment_decide(actor=staff, origin=ORIGIN, claim=claim, decided_on=D(2026, 8, 20))
    rate("funeral", 215_000)
    claim = services.payment_decide(actor=staff, origin=ORIGIN, claim=claim, decided_on=D(2026, 8, 20))
    assert claim.payments.get().amount == 215_000


@pytest.mark.django_db
def test_letters_are_pdfs_that_say_what_was_decided(worker):
    client, staff = worker
    rate("child_pension", 1_293_600, grade="2級")
    claim = ClaimFactory(benefit="child_pension", claimant_name="岡崎　花子", received_on=D(2026, 4, 10))
    assign(claim, staff)
    claim = _to_notified(claim, staff, grade="2級")
    decision = claim.letters.get(kind="decision")
    text = _pdf_text(decision)
    assert "認定・否認結果通知書" in text
    assert "岡崎\u3000花子様" in text
    assert claim.claim_no in text
    assert "認定されましたので通知します" in text
    assert "障害児養育年金(2級)" in text

    _declared(claim, staff)
    claim = services.payment_decide(actor=staff, origin=ORIGIN, claim=claim, decided_on=D(2026, 8, 20))
    payment_letter = claim.letters.get(kind="payment")
    text = _pdf_text(payment_letter)
    total = sum(p.amount for p in claim.payments.all())
    assert "支給決定通知書" in text
    assert f"{total:,}円" in text
    assert "***4567" in text
    assert "1234567" not in text
    assert "令和8年10月15日" in text  # first instalment date

    resp = client.get(f"/relief/{claim.pk}/letters/{payment_letter.pk}/")
    assert resp.status_code == 200
    assert resp.content.startswith(b"%PDF")
    assert AuditRecord.objects.filter(event="print", username=staff.username).exists()


@pytest.mark.django_db
def test_web_flow_records_each_step_with_japanese_dates(worker):
    client, staff = worker
    claim = ClaimFactory()
    assign(claim, staff)
    assert (
        client.post(f"/relief/{claim.pk}/transition/", {"to_state": "investigating", "on_date": "R8.4.15"}).status_code
        == 302
    )
    assert (
        client.post(
            f"/relief/{claim.pk}/transition/", {"to_state": "forwarded", "on_date": "令和8年5月1日"}
        ).status_code
        == 302
    )
    resp = client.post(f"/relief/{claim.pk}/transition/", {"to_state": "result_received", "on_date": "2026-08-03"})
    assert resp.status_code == 400
    assert "審査結果(認定・否認)を選んでください" in resp.content.decode()
    claim.refresh_from_db()
    assert (claim.state, claim.committee_on, claim.forwarded_on) == ("forwarded", D(2026, 4, 15), D(2026, 5, 1))
    assert PayeeAccount.objects.count() == 0


@pytest.mark.django_db
def test_pension_received_in_march_still_gets_its_first_year(worker):
    _, staff = worker
    rate("disability_pension", 3_104_400, grade="3級", fiscal_year=2025)
    rate("disability_pension", 3_104_400, grade="3級", fiscal_year=2026)
    claim = ClaimFactory(
        benefit="disability_pension",
        relationship="self",
        resident__birth_date=D(1990, 5, 1),
        onset_on=D(2025, 6, 11),
        received_on=D(2026, 3, 5),
    )
    assign(claim, staff)
    claim = services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="investigating", on_date=D(2026, 3, 10)
    )
    claim = services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="forwarded", on_date=D(2026, 3, 12)
    )
    claim = services.claim_transition(
        actor=staff,
        origin=ORIGIN,
        claim=claim,
        to_state="result_received",
        on_date=D(2026, 3, 20),
        result="certified",
        grade="3級",
    )
    claim = services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="notified", on_date=D(2026, 3, 25)
    )
    _declared(claim, staff)
    claim = services.payment_decide(actor=staff, origin=ORIGIN, claim=claim, decided_on=D(2026, 3, 30))
    payments = list(claim.payments.order_by("seq"))
    assert payments[0].period_from == D(2026, 4, 1)
    assert payments[-1].period_to == D(2027, 3, 31)
    assert sum(p.amount for p in payments) == 3_104_400
