"""What every step of the relief business shares: the purpose it records, relief's private storage with its
checksum-checked reads, the claim as an audit subject, the handling check, and the clean-up of files
written by a step that failed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.services import Subject
from core.origin import Origin
from core.storage import PrivateStorage

from ..access import can_handle
from ..models import Claim

PURPOSE = "健康被害の救済"
# uploads, letters and finance CSVs; the relative paths stored on the rows are relative to this area
STORAGE = PrivateStorage("relief")

T = TypeVar("T")


def subject_of(claim: Claim) -> Subject:
    return Subject(atena_no=claim.resident.atena_no, obj=claim)


def require_handle(actor: Any, claim: Claim) -> None:
    if not can_handle(actor, claim):
        raise PermissionDenied("この申請を扱う権限がありません。")


def today() -> datetime.date:
    return timezone.localdate()


def fresh(claim: Claim) -> Claim:
    """The claim as it is now: the screen may be stale, and two workers may act at once."""
    return Claim.objects.select_related("resident").get(pk=claim.pk)


def read_stored(relpath: str, sha256: str, *, actor: Any, origin: Origin, what: str, subject_atena: str = "") -> bytes:
    """A stored file's bytes if they still hash to `sha256`; otherwise the refusal is recorded (outcome
    "tampered", with relief's purpose) and core.storage.ChecksumMismatch raised: the file is never served."""
    return STORAGE.read(
        relpath, sha256, actor=actor, origin=origin.for_purpose(PURPOSE), what=what, subject_atena=subject_atena
    )


def removing_on_failure(fn: Callable[..., T], **kwargs: Any) -> T:
    """Run a step that writes files (letters, CSVs) inside its transaction; `written` collects their paths,
    and they are removed again when the step fails, so a rolled-back step leaves no file behind."""
    written: list[str] = []
    try:
        return fn(written=written, **kwargs)
    except Exception:
        for relpath in written:
            STORAGE.remove(relpath)
        raise
