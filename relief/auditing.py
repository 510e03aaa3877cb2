"""django-auditlog registrations: every change to a claim, its documents, account, payments and the
per-claim grants (who was assigned) lands in the audit trail; the medical fields are masked there."""

from auditlog.registry import auditlog

from .models import (
    BenefitRate,
    Claim,
    ClaimDocument,
    ClaimGroupObjectPermission,
    ClaimLetter,
    ClaimUserObjectPermission,
    PayeeAccount,
    Payment,
    PaymentExport,
)

MEDICAL_FIELDS = ["injury", "hospital"]


def mask_medical(value: str) -> str:
    """Medical details stay on the claim; the audit trail records only that they changed."""
    return "(医療情報)"


auditlog.register(Claim, mask_fields=MEDICAL_FIELDS, mask_callable="relief.auditing.mask_medical")
auditlog.register(ClaimDocument, exclude_fields=["storage_path"])
auditlog.register(ClaimLetter, exclude_fields=["storage_path"])
auditlog.register(PayeeAccount)
auditlog.register(Payment)
auditlog.register(PaymentExport, exclude_fields=["storage_path"])
auditlog.register(BenefitRate)
auditlog.register(ClaimUserObjectPermission)
auditlog.register(ClaimGroupObjectPermission)
