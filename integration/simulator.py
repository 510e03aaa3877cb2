"""The national side, simulated: the intermediate server (中間サーバー) with its お知らせ function, the
Information Provision Network with other bodies' registered copies, and 住基ネット.

It keeps its state in SimulatorRecord rows, so a Celery worker, the demo and a test all see the same
"nation". It never receives a My Number in clear: people are known to it by the keyed blind index,
which stands for the 符号 the real server derives from the number.

The real connector is not built: `national()` refuses to start unless the setting names the simulator,
so nothing can pretend to have reached a real national system.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone

from .models import SimulatorRecord

LINK = "link"
NOTICE = "mynaportal"
PROVIDER_COPY = "provider_copy"
JUKI = "juki"
ANSWER_OUT = "answer_out"
INQUIRY_IN = "inquiry_in"
OUTAGE = "outage"

NOTICE_TITLE_MAX = 50
NOTICE_BODY_MAX = 2000


class NationalSideUnavailable(Exception):
    """The national side did not answer (maintenance window, line down)."""


class Simulator:
    # -- control (tests and the demo) -------------------------------------------------------------
    def set_outage(self, channel: str, down: bool = True) -> None:
        SimulatorRecord.objects.filter(channel=OUTAGE, key=channel).delete()
        if down:
            SimulatorRecord.objects.create(channel=OUTAGE, key=channel)

    def _check_up(self, channel: str) -> None:
        if SimulatorRecord.objects.filter(channel=OUTAGE, key=channel).exists():
            raise NationalSideUnavailable(f"{channel}: 接続できません(シミュレータの障害設定)")

    # -- 中間サーバー: 紐付け (unified_no ↔ 符号) ----------------------------------------------------
    def register_link(self, *, unified_no: str, blind_index: str) -> None:
        SimulatorRecord.objects.update_or_create(
            channel=LINK, key=unified_no, defaults={"payload": {"blind_index": blind_index}}
        )

    def person_of(self, unified_no: str) -> str | None:
        rec = SimulatorRecord.objects.filter(channel=LINK, key=unified_no).first()
        return rec.payload["blind_index"] if rec else None

    # -- お知らせ (Mynaportal) ---------------------------------------------------------------------
    def deliver_notice(self, *, unified_no: str, notice: dict[str, Any]) -> tuple[str, str]:
        """Record the notice as received; ('delivered'|'failed', message)."""
        self._check_up(NOTICE)
        if self.person_of(unified_no) is None:
            return "failed", "中間サーバーに紐付けがありません"
        SimulatorRecord.objects.create(
            channel=NOTICE,
            key=notice["atena_no"],
            payload={
                "notice_id": notice["notice_id"],
                "unified_no": unified_no,
                "title": notice["title"],
                "body": notice["body"],
                "batch_ref": notice["batch_ref"],
            },
        )
        return "delivered", "マイナポータルに登録しました"

    def received_notices(self, *, batch_ref: str | None = None) -> list[dict[str, Any]]:
        qs: QuerySet[SimulatorRecord] = SimulatorRecord.objects.filter(channel=NOTICE).order_by("id")
        out = []
        for rec in qs:
            if batch_ref is None or rec.payload.get("batch_ref") == batch_ref:
                out.append({"atena_no": rec.key, **rec.payload})
        return out

    # -- 情報提供ネットワーク: other bodies' copies, our inquiries -----------------------------------
    def register_provider_copy(self, *, item_code: str, blind_index: str, payload: dict[str, Any]) -> None:
        """What another body has registered as its 副本 for a person (set up by tests and the demo)."""
        SimulatorRecord.objects.update_or_create(
            channel=PROVIDER_COPY, key=f"{item_code}:{blind_index}"[:80], defaults={"payload": payload}
        )

    def inquire(self, *, item_code: str, unified_no: str) -> dict[str, Any] | None:
        """Answer an inquiry from the other body's registered copy; None when it holds nothing."""
        self._check_up("network")
        person = self.person_of(unified_no)
        if person is None:
            raise NationalSideUnavailable("中間サーバーに紐付けがありません(符号未取得)")
        rec = SimulatorRecord.objects.filter(channel=PROVIDER_COPY, key=f"{item_code}:{person}"[:80]).first()
        return dict(rec.payload) if rec else None

    def deliver_answer(self, *, request_id: str, payload: dict[str, Any]) -> None:
        """Our answer to another body's inquiry, as the network receives it."""
        self._check_up("network")
        SimulatorRecord.objects.create(channel=ANSWER_OUT, key=request_id, payload=payload)

    def answers_received(self, request_id: str) -> list[dict[str, Any]]:
        return [r.payload for r in SimulatorRecord.objects.filter(channel=ANSWER_OUT, key=request_id).order_by("id")]

    # -- 住基ネット 本人確認情報 ---------------------------------------------------------------------
    def register_juki(self, *, blind_index: str, name: str, sex: str, birth_date: datetime.date, address: str) -> None:
        SimulatorRecord.objects.update_or_create(
            channel=JUKI,
            key=blind_index,
            defaults={"payload": {"name": name, "sex": sex, "birth_date": birth_date.isoformat(), "address": address}},
        )

    def juki_lookup(self, blind_index: str) -> dict[str, Any] | None:
        self._check_up(JUKI)
        rec = SimulatorRecord.objects.filter(channel=JUKI, key=blind_index).first()
        if rec:
            return dict(rec.payload)
        # 住基ネット holds every city's 本人確認情報; ours is what our register sends through the CS.
        from residents.models import Resident

        person = Resident.objects.filter(mynumber__blind_index=blind_index).first()
        if person is None or person.status == Resident.Status.DELETED:
            return None
        return {
            "name": person.name,
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat(),
            "address": f"{person.address}{person.katagaki}",
        }

    def log(self, channel: str, key: str, payload: dict[str, Any]) -> None:
        SimulatorRecord.objects.create(channel=channel, key=key[:80], payload=payload, created_at=timezone.now())


def national() -> Simulator:
    side = getattr(settings, "INTEGRATION_NATIONAL_SIDE", "simulator")
    if side != "simulator":
        raise ImproperlyConfigured(
            "国の中間サーバー・住基ネットへの実接続は実装されていません(INTEGRATION_NATIONAL_SIDE=simulator のみ)。"
        )
    return Simulator()
