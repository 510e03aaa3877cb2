"""Relief's stored files are checked on every read: a document, a letter or a finance CSV changed on disk
after it was written is refused (409, the reason in Japanese), never served, and the refusal is recorded
once (a DENIED record with the outcome "tampered")."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditRecord
from core.storage import ChecksumMismatch, PrivateStorage
from relief import services
from relief.models import ClaimDocument, PayeeAccount, Payment, PaymentExport
from tests.factories.relief import ClaimFactory, assign
from tests.relief.conftest import ORIGIN

D = datetime.date
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _tamper(relpath: str) -> None:
    path = PrivateStorage("relief").absolute(relpath)
    path.write_bytes(path.read_bytes() + b"\n% changed after it was stored\n")


def _tampered_records():  # type: ignore[no-untyped-def]
    return AuditRecord.objects.filter(event="denied", outcome="tampered")


@pytest.fixture
def claim(worker):
    c = ClaimFactory()
    assign(c, worker[1])
    return c


@pytest.mark.django_db
def test_a_tampered_document_is_refused_and_the_refusal_recorded(worker, claim):
    client, staff = worker
    client.post(f"/relief/{claim.pk}/documents/", {"kind": "medical_cert", "file": SimpleUploadedFile("a.pdf", PDF)})
    doc = ClaimDocument.objects.get()
    assert client.get(f"/relief/{claim.pk}/documents/{doc.pk}/").content == PDF  # intact: served
    _tamper(doc.storage_path)
    views_before = AuditRecord.objects.filter(event="view", username=staff.username).count()

    resp = client.get(f"/relief/{claim.pk}/documents/{doc.pk}/")
    assert resp.status_code == 409
    body = resp.content.decode()
    assert ChecksumMismatch.message in body
    assert "% changed after" not in body
    (rec,) = _tampered_records()
    assert rec.username == staff.username
    assert rec.subject_atena == claim.resident.atena_no
    assert rec.purpose == "健康被害の救済"
    assert rec.additional_data["refused"] == "document_open"
    assert rec.additional_data["expected_sha256"] == doc.sha256
    # the refused read is not also recorded as a view of the document
    assert AuditRecord.objects.filter(event="view", username=staff.username).count() == views_before

    with pytest.raises(ChecksumMismatch):
        services.document_open(actor=staff, origin=ORIGIN, document=doc)


@pytest.mark.django_db
def test_a_tampered_letter_is_refused_and_the_refusal_recorded(worker, claim):
    client, staff = worker
    for to, on in [("investigating", D(2026, 4, 15)), ("forwarded", D(2026, 5, 1))]:
        claim = services.claim_transition(actor=staff, origin=ORIGIN, claim=claim, to_state=to, on_date=on)
    claim = services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="result_received", on_date=D(2026, 8, 3), result="certified"
    )
    claim = services.claim_transition(
        actor=staff, origin=ORIGIN, claim=claim, to_state="notified", on_date=D(2026, 8, 5)
    )
    letter = claim.letters.get(kind="decision")
    _tamper(letter.storage_path)

    resp = client.get(f"/relief/{claim.pk}/letters/{letter.pk}/")
    assert resp.status_code == 409
    assert ChecksumMismatch.message in resp.content.decode()
    assert not resp.content.startswith(b"%PDF")
    (rec,) = _tampered_records()
    assert rec.username == staff.username
    assert rec.subject_atena == claim.resident.atena_no
    assert rec.additional_data["refused"] == "letter_open"
    assert not AuditRecord.objects.filter(event="print", username=staff.username).exists()


@pytest.mark.django_db
def test_a_tampered_finance_csv_is_refused_and_the_refusal_recorded(lead):
    client, staff = lead
    claim = ClaimFactory(state="payment_decided", result="certified", decided_on=D(2026, 8, 1))
    PayeeAccount.objects.create(
        claim=claim,
        source="declared",
        recorded_by=staff,
        bank_code="0001",
        bank_name="みずほ銀行",
        branch_code="150",
        branch_name="岡崎支店",
        account_type="1",
        account_no="7654321",
        holder_kana="オカザキ　ハナコ",
    )
    Payment.objects.create(claim=claim, seq=1, fiscal_year=2026, amount=10_000, due_on=D(2026, 9, 15))
    export = services.payments_export(actor=staff, origin=ORIGIN, due_until=D(2026, 9, 30))
    assert export is not None
    _tamper(PaymentExport.objects.get().storage_path)

    resp = client.get(f"/relief/payments/exports/{export.pk}/")
    assert resp.status_code == 409
    assert ChecksumMismatch.message in resp.content.decode()
    assert "attachment" not in resp.get("Content-Disposition", "")
    (rec,) = _tampered_records()
    assert rec.username == staff.username
    assert rec.additional_data["refused"] == "export_open"
