"""添付書類: documents attached to a claim (PDF or image, checked by their bytes, within the size limit),
stored outside the web root with their SHA-256, and opened only through an audited, checksum-checked read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import Event
from audit.services import access_record
from core.origin import Origin
from core.refusals import Outcome, record_refusal

from ..models import Claim, ClaimDocument, ClaimEvent, DocumentKind
from ._shared import PURPOSE, STORAGE, read_stored, require_handle, subject_of, today

UPLOAD_TYPES: dict[str, tuple[tuple[bytes, ...], tuple[str, ...]]] = {
    # content type -> (magic numbers, allowed extensions); the bytes decide, not the browser's claim
    "application/pdf": ((b"%PDF-",), (".pdf",)),
    "image/jpeg": ((b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), (".png",)),
    "image/tiff": ((b"II*\x00", b"MM\x00*"), (".tif", ".tiff")),
}


def upload_limit() -> int:
    return int(getattr(settings, "RELIEF_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def _sniff(head: bytes, name: str) -> str | None:
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    for ctype, (magics, exts) in UPLOAD_TYPES.items():
        if any(head.startswith(m) for m in magics) and ext in exts:
            return ctype
    return None


def document_add(*, actor: Any, origin: Origin, claim: Claim, kind: str, upload: Any) -> ClaimDocument:
    """Store an attached document (PDF or image, within the size limit) outside the web root."""
    require_handle(actor, claim)
    errors: dict[str, list[str]] = {}
    name = str(getattr(upload, "name", "") or "")[:200]
    if kind not in DocumentKind.values:
        errors["kind"] = ["書類の種類を選んでください。"]
    size = int(getattr(upload, "size", 0) or 0)
    limit = upload_limit()
    ctype = None
    if size == 0:
        errors["file"] = ["ファイルが空です。"]
    elif size > limit:
        errors["file"] = [f"ファイルが大きすぎます({size / 1048576:.1f}MB)。上限は{limit // 1048576}MBです。"]
    else:
        upload.seek(0)
        head = upload.read(16)
        ctype = _sniff(head, name)
        if ctype is None:
            errors["file"] = ["PDF または画像(JPEG・PNG・TIFF)のファイルだけを添付できます。"]
    if errors:
        record_refusal(
            actor=actor,
            action="document_add",
            outcome=Outcome.INVALID,
            origin=origin,
            subject_atena=claim.resident.atena_no,
            obj=claim,
            purpose=PURPOSE,
            errors=errors,
        )
        raise ValidationError(errors)
    upload.seek(0)
    data = upload.read()
    ext = "." + name.rsplit(".", 1)[-1].lower()
    stored = STORAGE.write(STORAGE.new_name(f"claims/{claim.pk}", ext), data)
    try:
        with transaction.atomic(durable=True):
            doc = ClaimDocument.objects.create(
                claim=claim,
                kind=kind,
                original_name=name,
                storage_path=stored.path,
                content_type=ctype or "",
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor,
            )
            ClaimEvent.objects.create(
                claim=claim, action="書類添付", note=f"{doc.get_kind_display()} {name}", actor=actor, on_date=today()
            )
            access_record(
                event=Event.CREATE,
                actor=actor,
                origin=origin,
                subject=subject_of(claim),
                purpose=PURPOSE,
                detail={"claim_no": claim.claim_no, "document": doc.pk, "kind": kind, "sha256": stored.sha256},
            )
    except Exception:
        STORAGE.remove(stored.path)  # nothing left behind when the row could not be written
        raise
    return doc


def document_open(*, actor: Any, origin: Origin, document: ClaimDocument) -> bytes:
    """The document's bytes, checked against its SHA-256 (a tampered file raises ChecksumMismatch)."""
    claim = document.claim
    data = read_stored(
        document.storage_path,
        document.sha256,
        actor=actor,
        origin=origin,
        what="document_open",
        subject_atena=claim.resident.atena_no,
    )
    access_record(
        event=Event.VIEW,
        actor=actor,
        origin=origin,
        subject=subject_of(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no, "document": document.pk, "kind": document.kind},
    )
    return data
