"""django-auditlog registrations: every change to consents, decisions and fee schedules is kept."""

from auditlog.registry import auditlog

from .models import Consent, CopaymentDecision, FeeSchedule

auditlog.register(Consent)
auditlog.register(CopaymentDecision, exclude_fields=["fingerprint"])
auditlog.register(FeeSchedule)
