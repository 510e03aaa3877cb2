"""Mynaportal notices (お知らせ) through the intermediate server's notification function.
Format: docs/formats/mynaportal-notice.md. Adapter for settings.ADAPTERS["MYNAPORTAL_NOTICE"]."""

from __future__ import annotations

from typing import Any

from audit.models import Event
from audit.services import Subject, access_record_bulk
from residents.models import Resident

from .intermediate import link_ensure
from .models import NumberLink
from .simulator import NOTICE_BODY_MAX, NOTICE_TITLE_MAX, NationalSideUnavailable, national

REQUIRED = ("notice_id", "atena_no", "title", "body", "batch_ref")


def _invalid(notice: dict[str, Any]) -> str:
    missing = [k for k in REQUIRED if not str(notice.get(k) or "").strip()]
    if missing:
        return f"必須項目がありません: {', '.join(missing)}"
    extra = sorted(set(notice) - set(REQUIRED))
    if extra:
        return f"お知らせ形式にない項目があります: {', '.join(extra)}"
    if len(notice["title"]) > NOTICE_TITLE_MAX:
        return f"件名が{NOTICE_TITLE_MAX}文字を超えています"
    if len(notice["body"]) > NOTICE_BODY_MAX:
        return f"本文が{NOTICE_BODY_MAX}文字を超えています"
    return ""


def _target(
    atena_no: str, residents: dict[str, Resident], links: dict[int, NumberLink]
) -> tuple[Resident, NumberLink] | str:
    """The person and their link at the intermediate server, or why the notice cannot go."""
    resident = residents.get(atena_no)
    if resident is None:
        return "宛番号が住民記録にありません"
    link = links.get(resident.pk) or link_ensure(resident=resident)
    if link is None:
        return "個人番号の紐付けがないためマイナポータルに送れません"
    return resident, link


def send_notices(notices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Send each notice to its person's Mynaportal; one result per notice, in the same order:
    {"notice_id", "status": "delivered"|"failed", "message"}. A failure of one never stops the rest."""
    atena_nos = {str(n.get("atena_no", "")) for n in notices}
    residents = {r.atena_no: r for r in Resident.objects.filter(atena_no__in=atena_nos)}
    links = {link.resident_id: link for link in NumberLink.objects.filter(resident__atena_no__in=atena_nos)}
    side = national()
    results: list[dict[str, Any]] = []
    delivered_to: list[Resident] = []
    for notice in notices:
        notice_id = str(notice.get("notice_id", ""))
        target = _invalid(notice) or _target(str(notice.get("atena_no", "")), residents, links)
        if isinstance(target, str):
            results.append({"notice_id": notice_id, "status": "failed", "message": target})
            continue
        resident, link = target
        try:
            status, message = side.deliver_notice(unified_no=link.unified_no, notice=notice)
        except NationalSideUnavailable as exc:
            status, message = "failed", str(exc)
        results.append({"notice_id": notice_id, "status": status, "message": message})
        if status == "delivered":
            delivered_to.append(resident)
    if delivered_to:
        access_record_bulk(
            event=Event.EXPORT,
            actor=None,
            subjects=[Subject(atena_no=r.atena_no, obj=r) for r in delivered_to],
            purpose="マイナポータルお知らせ送信",
            detail={"channel": "mynaportal", "batch_refs": sorted({str(n.get("batch_ref")) for n in notices})[:10]},
        )
    return results
