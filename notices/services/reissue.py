"""Re-issue at the counter (再発行・差替え): void a voucher, issue its successor and print its sheet."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record
from core.origin import Origin
from immunization.models import Voucher
from immunization.services import voucher_replace
from residents.selectors import status_as_of

from .. import rendering, rules
from ..models import BatchKind, NoticeBatch, NoticeTarget
from .contexts import PURPOSE, common_context, notice_contexts


def voucher_reissue_print(
    *, actor: Any, origin: Origin, voucher: Voucher, reason: str, dose_code: str | None = None
) -> bytes:
    """Void the voucher and issue its successor (immunization keeps the link), and print the new voucher sheet
    for the counter. A DV-protected person's sheet carries no address; others get their mailing address."""
    with transaction.atomic():
        new = voucher_replace(voucher=voucher, reason=reason, actor=actor, origin=origin, dose_code=dose_code)
        resident = new.resident
        today = timezone.localdate()
        dv = status_as_of(resident, "dv", today)
        mailing = status_as_of(resident, "mailing", today)
        zip7, address, katagaki = resident.postal_code, resident.address, resident.katagaki
        if dv is not None:
            zip7, address, katagaki = "", "", ""
        elif mailing is not None and mailing.detail.get("address"):
            zip7 = "".join(ch for ch in str(mailing.detail.get("postal_code", "")) if ch.isdigit())[:7]
            address, katagaki = mailing.detail["address"], mailing.detail.get("katagaki", "")
        # an unsaved one-person batch: the sheet is the guide letter's voucher page, printed the same way
        batch = NoticeBatch(
            kind=BatchKind.GUIDE,
            batch_ref=new.batch_ref,
            on=today,
            dose_codes=[new.dose_code],
            vaccine_code=rules.vaccine_of(new.dose_code),
            vaccine_class=rules.vaccine_class(new.dose_code),
        )
        target = NoticeTarget(
            resident=resident,
            seq=1,
            doses=[new.dose_code],
            held=dv is not None,
            atena_no=resident.atena_no,
            name=resident.name,
            name_kana=resident.name_kana,
            birth_date=resident.birth_date,
            mail_postal_code=zip7,
            mail_address=address,
            mail_katagaki=katagaki,
        )
        contexts = notice_contexts(batch, [target], vouchers={(resident.pk, new.dose_code): new.number})
        if new.copayment_class:
            for d in contexts[0]["doses"]:
                d["copay"] = new.copayment_class
        common = common_context(batch)
        common["title"] = "予防接種券の再発行"
        pdf, _pages = rendering.render_pdf(BatchKind.GUIDE, contexts, common)
        access_record(
            event=Event.PRINT,
            actor=actor,
            origin=origin,
            subject=Subject(atena_no=resident.atena_no, obj=new),
            purpose=PURPOSE,
            detail={"action": "voucher_reissue", "old": voucher.number, "new": new.number, "reason": reason[:100]},
        )
    return pdf
