"""django-auditlog registrations for the register.

The My Number's ciphertext and blind index are excluded: the log records that the number changed
(key id, registration time), never its value.
"""

from auditlog.registry import auditlog

from .models import DisclosureRequest, Household, MyNumber, Resident, ResidentStatus

auditlog.register(Resident, exclude_fields=["kana_key", "given_kana_key", "name_key", "address_key"])
auditlog.register(Household)
auditlog.register(ResidentStatus)
auditlog.register(MyNumber, exclude_fields=["ciphertext", "blind_index"])
auditlog.register(DisclosureRequest)
