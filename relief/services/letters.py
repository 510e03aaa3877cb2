"""通知書: the letters to the claimant (認定・否認 結果, 支給決定, 不支給決定), rendered to PDF when the step
that decides them is taken, stored with their SHA-256, and printed only through an audited, checked read."""

from __future__ import annotations

import datetime
from typing import Any

from audit.models import Event
from audit.services import access_record
from core.origin import Origin

from ..letters import render_pdf
from ..models import Claim, ClaimLetter, LetterKind, PayeeAccount
from ..vaccines import vaccine_name
from ._shared import PURPOSE, STORAGE, read_stored, subject_of, today


def letter_context(claim: Claim, kind: str, issued_on: datetime.date) -> dict[str, Any]:
    return {
        "claim": claim,
        "kind": kind,
        "kind_label": LetterKind(kind).label,
        "issued_on": issued_on,
        "vaccine": vaccine_name(claim.vaccine_code),
        "payments": list(claim.payments.order_by("seq")),
        "account": PayeeAccount.objects.filter(claim=claim).first(),
        "total": sum(p.amount for p in claim.payments.all()),
    }


def letter_issue(
    *, actor: Any, claim: Claim, kind: str, issued_on: datetime.date | None, written: list[str]
) -> ClaimLetter:
    """Render and store a letter inside the calling step's transaction (the step records the access);
    `written` collects the file so the step removes it if that transaction rolls back."""
    issued_on = issued_on or today()
    pdf, pages = render_pdf("relief/letter.html", letter_context(claim, kind, issued_on))
    stored = STORAGE.write(STORAGE.new_name(f"claims/{claim.pk}/letters", ".pdf"), pdf)
    written.append(stored.path)
    return ClaimLetter.objects.create(
        claim=claim,
        kind=kind,
        storage_path=stored.path,
        sha256=stored.sha256,
        pages=pages,
        issued_on=issued_on,
        created_by=actor,
    )


def letter_open(*, actor: Any, origin: Origin, letter: ClaimLetter) -> bytes:
    """The letter's PDF, checked against its SHA-256 (a tampered file raises ChecksumMismatch)."""
    claim = letter.claim
    data = read_stored(
        letter.storage_path,
        letter.sha256,
        actor=actor,
        origin=origin,
        what="letter_open",
        subject_atena=claim.resident.atena_no,
    )
    access_record(
        event=Event.PRINT,
        actor=actor,
        origin=origin,
        subject=subject_of(claim),
        purpose=PURPOSE,
        detail={"claim_no": claim.claim_no, "letter": letter.pk, "kind": letter.kind},
    )
    return data
