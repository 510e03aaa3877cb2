"""Audited reads of a batch's files: print files and the manifest (downloads), the preview, and one person's
pages cut out of a print file (the resident page's link).

Every read checks the file's SHA-256 (core.storage); a mismatch raises core.storage.ChecksumMismatch after
the refusal is recorded (outcome "tampered"), and the view shows its Japanese message instead of the file.
"""

from __future__ import annotations

import io
from typing import Any

from audit.models import Event
from audit.services import Subject, access_record
from core.origin import Origin

from ..models import NoticeBatch, NoticeTarget, PrintFile
from .contexts import PURPOSE
from .files import STORAGE, file_name, preview_path


def printfile_read(*, actor: Any, origin: Origin, file: PrintFile) -> bytes:
    data = STORAGE.read(file.path, file.sha256, actor=actor, origin=origin, what="printfile_read")
    access_record(
        event=Event.EXPORT,
        actor=actor,
        origin=origin,
        subject=Subject(obj=file.batch),
        purpose=PURPOSE,
        detail={"file": file_name(file.path), "pages": file.pages, "notices": file.notices, "sha256": file.sha256},
    )
    return data


def manifest_read(*, actor: Any, origin: Origin, batch: NoticeBatch) -> bytes:
    data = STORAGE.read(batch.manifest_path, batch.manifest_sha256, actor=actor, origin=origin, what="manifest_read")
    access_record(
        event=Event.EXPORT,
        actor=actor,
        origin=origin,
        subject=Subject(obj=batch),
        purpose=PURPOSE,
        detail={"file": file_name(batch.manifest_path)},
    )
    return data


def preview_read(*, actor: Any, origin: Origin, batch: NoticeBatch) -> bytes:
    """The preview's pages; FileNotFoundError while it has not been made."""
    if not batch.preview_sha256:
        raise FileNotFoundError(preview_path(batch))
    data = STORAGE.read(preview_path(batch), batch.preview_sha256, actor=actor, origin=origin, what="preview_read")
    access_record(
        event=Event.PRINT,
        actor=actor,
        origin=origin,
        subject=Subject(obj=batch),
        purpose=PURPOSE,
        detail={"preview": batch.batch_ref},
    )
    return data


def target_pages_read(*, actor: Any, origin: Origin, target: NoticeTarget) -> bytes:
    """Exactly this person's pages, cut out of the print file (resident history link)."""
    from pypdf import PdfReader, PdfWriter

    pf, first = target.print_file, target.first_page
    if pf is None or first is None:
        raise FileNotFoundError(f"{target.batch.batch_ref}: {target.seq}")
    data = STORAGE.read(
        pf.path, pf.sha256, actor=actor, origin=origin, what="target_pages_read", subject_atena=target.atena_no
    )
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for i in range(first - 1, first - 1 + target.page_count):
        writer.add_page(reader.pages[i])
    out = io.BytesIO()
    writer.write(out)
    access_record(
        event=Event.VIEW,
        actor=actor,
        origin=origin,
        subject=Subject(atena_no=target.atena_no, obj=target),
        purpose=PURPOSE,
        detail={"batch_ref": target.batch.batch_ref, "file": file_name(pf.path), "page": first},
    )
    return out.getvalue()
