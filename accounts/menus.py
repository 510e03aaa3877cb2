"""Menus by role. Each entry names the permission its view requires; `require_perm` on the view
uses the same string, so an item hidden from a role is also a URL refused to it (PIA III-3 R1, R3).

Apps add their entries to MENU (one line each); the order here is the order on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    perm: str  # "app_label.codename"; "" = any logged-in staff
    section: str = "業務"


MENU: list[MenuItem] = [
    MenuItem("住民検索", "residents:search", "residents.view_register", "照会"),
    MenuItem("個人番号で検索", "residents:mynumber_search", "residents.use_mynumber", "照会"),
    MenuItem("開示・訂正・利用停止請求", "residents:disclosure_list", "residents.handle_disclosure", "照会"),
    MenuItem("アクセス記録", "audit:log", "audit.view_access_log", "監査"),
    MenuItem("月次点検", "audit:monthly", "audit.view_access_log", "監査"),
    MenuItem("連携状況", "integration:status", "integration.view_feeds", "連携"),
    MenuItem("情報照会の記録", "integration:inquiries", "integration.network_inquiry", "連携"),
    MenuItem("情報提供の承認", "integration:approvals", "integration.approve_answer", "連携"),
    MenuItem("住基ネット本人確認", "integration:juki_verify", "residents.use_mynumber", "連携"),
    MenuItem("接種スケジュール表", "immunization:schedule_table", "immunization.view_schedule", "予防接種"),
    MenuItem("接種時期の計算", "immunization:schedule_calculator", "immunization.view_schedule", "予防接種"),
    MenuItem("通知バッチ", "notices:list", "notices.view_noticebatch", "抽出・発行"),
    MenuItem("通知バッチの作成", "notices:new", "notices.manage_batch", "抽出・発行"),
    MenuItem("救済申請一覧", "relief:list", "relief.access_relief", "健康被害救済"),
    MenuItem("救済申請の受付", "relief:create", "relief.access_relief", "健康被害救済"),
    MenuItem("救済給付の支払データ", "relief:exports", "relief.export_payments", "健康被害救済"),
    MenuItem("救済給付額(年度別)", "relief:rates", "relief.manage_rates", "健康被害救済"),
]

# billing
MENU += [
    MenuItem("同意書入力", "billing:consent_entry", "billing.add_consent", "自己負担・請求"),
    MenuItem("同意書照合", "billing:consent_queue", "billing.verify_consent", "自己負担・請求"),
    MenuItem("自己負担判定", "billing:decisions", "billing.decide_copayment", "自己負担・請求"),
    MenuItem("月次請求・支払", "billing:claims", "billing.view_claim", "自己負担・請求"),
    MenuItem("料金表", "billing:fees", "billing.view_feeschedule", "自己負担・請求"),
]


def visible_menu(user) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    if not user.is_authenticated:
        return []
    items = [
        {"label": item.label, "url": reverse(item.url_name), "section": item.section}
        for item in MENU
        if not item.perm or user.has_perm(item.perm)
    ]
    # one heading per section, in the order sections first appear, whatever order apps appended items in
    order = {section: i for i, section in reversed(list(enumerate(i["section"] for i in items)))}
    return sorted(items, key=lambda i: order[i["section"]])


def menu_context(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    return {"menu": visible_menu(user), "is_system_admin": is_system_admin(user)}


def is_system_admin(user) -> bool:  # type: ignore[no-untyped-def]
    from .roles import ADMIN

    return bool(user.is_superuser or user.groups.filter(name=ADMIN).exists())


# immunization records (issue 3)
MENU += [
    MenuItem("接種券パンチ入力", "immunization:entry_batches", "immunization.key_record", "入力"),
    MenuItem("入力の照合", "immunization:verify_list", "immunization.verify_record", "入力"),
    MenuItem("パンチデータ取込・突合", "immunization:punch_imports", "immunization.reconcile_punch", "入力"),
    MenuItem("ロット番号検索", "immunization:lot_search", "immunization.search_lot", "照会"),
    MenuItem("転入者調査", "immunization:movein", "immunization.list_movein", "抽出"),
]
