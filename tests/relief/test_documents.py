"""Uploads: PDF or image only, within the size limit, stored outside the web root, served audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditRecord
from core.storage import PrivateStorage
from relief.models import ClaimDocument
from tests.factories.relief import ClaimFactory, assign
from tests.relief.conftest import stored_files

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def claim(worker):
    c = ClaimFactory()
    assign(c, worker[1])
    return c


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "ctype"), [("診断書.pdf", PDF, "application/pdf"), ("receipt.PNG", PNG, "image/png")]
)
def test_pdf_or_image_is_stored_privately_and_served_with_an_access_record(
    worker, claim, private_storage, name, data, ctype
):
    client, staff = worker
    resp = client.post(
        f"/relief/{claim.pk}/documents/", {"kind": "medical_cert", "file": SimpleUploadedFile(name, data)}
    )
    assert resp.status_code == 302
    doc = ClaimDocument.objects.get()
    (path,) = stored_files(private_storage)
    assert path.read_bytes() == data
    assert name not in str(path)  # the stored name is ours, not the uploader's
    assert str(settings.STATIC_ROOT) not in str(path)
    assert doc.content_type == ctype

    got = client.get(f"/relief/{claim.pk}/documents/{doc.pk}/")
    assert got.content == data
    rec = AuditRecord.objects.filter(event="view", username=staff.username).latest("chain_seq")
    assert rec.additional_data["document"] == doc.pk
    assert rec.purpose == "健康被害の救済"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 60, "PDF または画像(JPEG・PNG・TIFF)のファイルだけを添付できます。"),
        (
            "letter.pdf",
            b"<html><script>alert(1)</script>",
            "PDF または画像(JPEG・PNG・TIFF)のファイルだけを添付できます。",
        ),
        ("scan.docx", PDF, "PDF または画像(JPEG・PNG・TIFF)のファイルだけを添付できます。"),
    ],
)
def test_other_files_are_refused_and_nothing_is_stored(worker, claim, private_storage, name, data, message):
    client, staff = worker
    resp = client.post(f"/relief/{claim.pk}/documents/", {"kind": "other", "file": SimpleUploadedFile(name, data)})
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert ClaimDocument.objects.count() == 0
    assert stored_files(private_storage) == []
    assert AuditRecord.objects.filter(event="denied", username=staff.username, outcome="invalid").exists()


@pytest.mark.django_db
def test_too_large_a_file_is_refused(worker, claim, private_storage, settings):
    settings.RELIEF_UPLOAD_MAX_BYTES = 1024 * 1024
    client, _ = worker
    big = PDF + b"0" * (1024 * 1024)
    resp = client.post(f"/relief/{claim.pk}/documents/", {"kind": "other", "file": SimpleUploadedFile("big.pdf", big)})
    assert resp.status_code == 400
    assert "ファイルが大きすぎます(1.0MB)。上限は1MBです。" in resp.content.decode()
    assert ClaimDocument.objects.count() == 0
    assert stored_files(private_storage) == []


@pytest.mark.django_db
def test_storage_is_not_reachable_by_path_tricks(worker, claim):
    with pytest.raises(FileNotFoundError):
        PrivateStorage("relief").read("../../etc/passwd", "")
