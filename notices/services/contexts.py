"""What is printed: the batch-wide context of a notice (title, sender, clinic list) and one context per person
(address block, customer barcode, each dose with its deadline, voucher number and co-payment class).

Shared by the chunk renderer, the preview and the counter's re-issue sheet, so all three print the same thing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .. import barcodes, hooks, rules
from ..models import BatchKind, NoticeBatch, NoticeTarget

# The purpose under which notices reads and prints personal data (the audit trail's 事務・目的)
PURPOSE = "予防接種の対象者への通知(案内・勧奨・調査)"
TITLES: dict[str, str] = {
    BatchKind.GUIDE: "定期予防接種のお知らせ",
    BatchKind.REMINDER: "予防接種のおすすめ（未接種のかたへ）",
    BatchKind.SURVEY: "予防接種歴の調査のお願い",
}
# The rows of the move-in survey's history form: the paper form's wording, grouped as parents know the
# vaccines (not dose codes; the dose vocabulary is immunization.doses)
SURVEY_ROWS = [
    "B型肝炎",
    "ロタウイルス",
    "小児肺炎球菌",
    "5種混合・4種混合",
    "ヒブ",
    "BCG",
    "麻しん風しん(MR)",
    "水痘",
    "日本脳炎",
    "2種混合(DT)",
    "HPV",
]
SAMPLE_VOUCHER_NO = "000000000000"  # the preview's voucher number: no voucher is issued for it


def common_context(batch: NoticeBatch, *, sample: bool = False) -> dict[str, Any]:
    sender = settings.NOTICE_SENDER
    labels = [rules.dose_label(c) for c in batch.dose_codes]
    return {
        "title": TITLES[batch.kind] + ("（見本）" if sample else ""),
        "on": batch.on,
        "issued_on": batch.on,
        "batch_ref": batch.batch_ref,
        "vaccine_label": "・".join(labels),
        "sender_name": sender["name"],
        "sender_address": sender["address"],
        "sender_tel": sender["tel"],
        "clinic_list_url": settings.NOTICE_CLINIC_LIST_URL,
        "qr_svg": barcodes.qr_svg(settings.NOTICE_CLINIC_LIST_URL),
        "survey_rows": SURVEY_ROWS,
    }


def notice_contexts(
    batch: NoticeBatch, targets: list[NoticeTarget], *, vouchers: dict[tuple[int, str], str] | None
) -> list[dict[str, Any]]:
    """One context per target; `vouchers` None prints sample numbers (the preview)."""
    is_b = batch.vaccine_class == "B"
    code = batch.dose_codes[0] if batch.dose_codes else batch.vaccine_code
    copay = hooks.copayment_classes([t.resident_id for t in targets], code, batch.on) if is_b and targets else {}
    labels = {c: rules.dose_label(c) for c in batch.dose_codes}
    out = []
    for t in targets:
        doses = []
        for code in t.doses:
            number = vouchers.get((t.resident_id, code), "") if vouchers is not None else SAMPLE_VOUCHER_NO
            doses.append(
                {
                    "code": code,
                    "label": labels.get(code, code),
                    "window_end": rules.deadline(code, t.birth_date, batch.window_end, batch.on),
                    "voucher_no": number,
                    "voucher_svg": barcodes.code128_svg(number) if number else "",
                    "copay": copay.get(t.resident_id, "") if is_b else "無料(定期接種A類)",
                    "is_b": is_b,
                }
            )
        symbols = (
            None if t.held else barcodes.customer_barcode_symbols(t.mail_postal_code, t.mail_address, t.mail_katagaki)
        )
        z = t.mail_postal_code
        out.append(
            {
                "seq": t.seq,
                "atena_no": t.atena_no,
                "name": t.name,
                "name_kana": t.name_kana,
                "birth_date": t.birth_date,
                "became_resident_on": t.became_resident_on,
                "postal_display": f"{z[:3]}-{z[3:]}" if len(z) == 7 else z,
                "address": t.mail_address,
                "katagaki": t.mail_katagaki,
                "held": t.held,
                "cb_svg": barcodes.customer_barcode_svg(symbols) if symbols else "",
                "doses": doses,
            }
        )
    return out
