"""Model changes audited by django-auditlog (batch definitions and their state; print files)."""

from auditlog.registry import auditlog

from .models import NoticeBatch, PrintFile

auditlog.register(NoticeBatch, exclude_fields=["counts"])
auditlog.register(PrintFile)
