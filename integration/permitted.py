"""照会許可用照合リスト and the items we provide: which inquiries the law lets this business make,
and which answers go out automatically from the registered copies (副本).

The network (情報提供ネットワークシステム) checks the same list on its side; we check it first so that a
refused inquiry never leaves the building and is recorded as a refusal.
Legal basis: 番号法第19条第8号 and the 主務省令 that lists each permitted linkage (the former 別表第二);
the item numbers below must be re-checked against the current 主務省令 at each fiscal-year start.
"""

from __future__ import annotations

from dataclasses import dataclass

# The four businesses of the PIA (I-1) in which the My Number is used, named as residents.services.PURPOSES.
TARGETS = "対象者の把握・通知"
RECORDS = "予防接種記録の管理"
COPAYMENT = "実費の徴収"
RELIEF = "健康被害の救済"
BUSINESSES = [TARGETS, RECORDS, COPAYMENT, RELIEF]


@dataclass(frozen=True)
class InquiryItem:
    code: str
    name: str
    provider: str
    businesses: tuple[str, ...]
    legal_basis: str


@dataclass(frozen=True)
class ProvisionItem:
    code: str
    name: str
    auto_answer: bool  # False = 自動応答不可フラグ: a supervisor approves each answer
    legal_basis: str


PERMITTED_INQUIRIES: dict[str, InquiryItem] = {
    item.code: item
    for item in [
        InquiryItem(
            "vaccination_history",
            "予防接種の実施に関する情報(転入前の市区町村)",
            "市区町村長",
            (TARGETS, RECORDS),
            "番号法第19条第8号・主務省令(予防接種法による予防接種の実施に関する事務)",
        ),
        InquiryItem(
            "local_tax",
            "地方税関係情報(課税・非課税の区分)",
            "市区町村長",
            (COPAYMENT,),
            "番号法第19条第8号・主務省令(予防接種法による実費の徴収に関する事務)",
        ),
        InquiryItem(
            "welfare",
            "生活保護関係情報",
            "都道府県知事等",
            (COPAYMENT,),
            "番号法第19条第8号・主務省令(予防接種法による実費の徴収に関する事務)",
        ),
        InquiryItem(
            "public_funds_account",
            "公金受取口座情報",
            "内閣総理大臣(デジタル庁)",
            (RELIEF,),
            "公金受取口座登録法第10条・番号法第19条第8号",
        ),
    ]
}

PROVISION_ITEMS: dict[str, ProvisionItem] = {
    item.code: item
    for item in [
        ProvisionItem(
            "vaccination_history",
            "予防接種の実施に関する情報",
            True,
            "番号法第19条第8号・主務省令(予防接種法による予防接種の実施に関する情報の提供)",
        ),
        ProvisionItem(
            "relief_benefit",
            "予防接種法による給付の支給に関する情報",
            False,
            "番号法第19条第8号・主務省令(予防接種法による給付の支給に関する情報の提供)",
        ),
    ]
}


def inquiry_allowed(item_code: str, business: str) -> InquiryItem | None:
    item = PERMITTED_INQUIRIES.get(item_code)
    if item is None or business not in item.businesses:
        return None
    return item
