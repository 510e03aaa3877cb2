"""Every write of the relief business, one module per step: intake (受付), assignment (担当割当), workflow
(the steps of a claim), documents (添付書類), letters (通知書), account (振込口座), payments (支給決定と支払,
with their dates in instalments and the amounts in rates) and exports (the finance CSV).

Each service is a keyword-only function taking the acting staff member (`actor`) and where the action comes
from (`origin`, a core.origin.Origin), one transaction each. Bad input raises ValidationError with Japanese
messages before anything is stored, and the refusal is recorded through core.refusals. Files live in
relief's private storage (core.storage) and every read checks the SHA-256 stored beside the path.

Views, the demo and tests import this package (`from relief import services`); the names below are its surface.
"""

from ._shared import PURPOSE
from .account import account_declare, account_fetch_public_funds
from .assignment import claim_assign, claim_unassign
from .documents import document_add, document_open
from .exports import CSV_HEADER, export_open, payments_export
from .instalments import pension_instalments
from .intake import ClaimIntake, claim_create, claim_view_record
from .letters import letter_open
from .payments import payment_decide, payment_mark_paid, pension_schedule_extend
from .rates import rate_set
from .workflow import PENSION_GRADES, SPECIAL_STEPS, claim_transition, next_states

__all__ = [
    "CSV_HEADER",
    "PENSION_GRADES",
    "PURPOSE",
    "SPECIAL_STEPS",
    "ClaimIntake",
    "account_declare",
    "account_fetch_public_funds",
    "claim_assign",
    "claim_create",
    "claim_transition",
    "claim_unassign",
    "claim_view_record",
    "document_add",
    "document_open",
    "export_open",
    "letter_open",
    "next_states",
    "payment_decide",
    "payment_mark_paid",
    "payments_export",
    "pension_instalments",
    "pension_schedule_extend",
    "rate_set",
]
