"""django-auditlog registrations. The blind index of a link is excluded like the My Number's own."""

from auditlog.registry import auditlog

from .models import FeedSource, Inquiry, NumberLink, ProvidedCopy, ProvisionRequest

auditlog.register(FeedSource, exclude_fields=["api_token_sha256", "state", "last_success_at"])
auditlog.register(NumberLink, exclude_fields=["mynumber_blind_index"])
auditlog.register(Inquiry)
auditlog.register(ProvisionRequest)
auditlog.register(ProvidedCopy)
