"""django-auditlog registrations: every change to a claim, its documents, account, payments and the
per-claim grants (who was assigned) lands in the audit trail."""

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

auditlog.register(Claim)
auditlog.register(ClaimDocument, exclude_fields=["storage_path"])
auditlog.register(ClaimLetter, exclude_fields=["storage_path"])
auditlog.register(PayeeAccount)
auditlog.register(Payment)
auditlog.register(PaymentExport, exclude_fields=["storage_path"])
auditlog.register(BenefitRate)
auditlog.register(ClaimUserObjectPermission)
auditlog.register(ClaimGroupObjectPermission)
