"""The boundaries the apps need, as typing Protocols; `integration` (or, for two apps on one floor of the
map, the app that knows) implements them, settings.ADAPTERS names the implementation, and the functions
below load it. Apps depend on these shapes, never on integration."""

from __future__ import annotations

import datetime
from typing import Any, Protocol, cast

from django.conf import settings
from django.utils.module_loading import import_string


class PublicFundsAccountLookup(Protocol):
    """公金受取口座 of a resident via the intermediate server; None when none is registered."""

    def __call__(self, resident: Any, *, requested_by: Any, purpose: str) -> dict[str, str] | None: ...


class MynaportalSender(Protocol):
    """Mynaportal お知らせ: a list of notices in, one result per notice out (``notice_id``, ``status``…)."""

    def __call__(self, notices: list[dict[str, Any]]) -> list[dict[str, Any]]: ...


class JukinetVerifier(Protocol):
    """住基ネット本人確認: is this My Number the person's?"""

    def __call__(
        self,
        *,
        mynumber: str,
        name: str,
        sex: str,
        birth_date: datetime.date,
        address: str,
        requested_by: Any,
    ) -> dict[str, Any]: ...


class CopaymentClassLookup(Protocol):
    """The co-payment class printed on B-class vouchers, for a chunk of residents at once: billing's answer
    to notices (same floor of the map, so wired here rather than imported). People without a decision in
    force are left out."""

    def __call__(self, resident_ids: list[int], dose_code: str, on: datetime.date) -> dict[int, str]: ...


def get_adapter(name: str) -> Any:
    """The implementation settings.ADAPTERS names (``PUBLIC_FUNDS_ACCOUNT``, ``MYNAPORTAL_NOTICE`` …)."""
    return import_string(settings.ADAPTERS[name])


def public_funds_account() -> PublicFundsAccountLookup:
    return cast(PublicFundsAccountLookup, get_adapter("PUBLIC_FUNDS_ACCOUNT"))


def mynaportal_sender() -> MynaportalSender:
    return cast(MynaportalSender, get_adapter("MYNAPORTAL_NOTICE"))


def jukinet_verifier() -> JukinetVerifier:
    return cast(JukinetVerifier, get_adapter("JUKINET_VERIFY"))


def copayment_classes() -> CopaymentClassLookup | None:
    """None when no app answers (a deployment without billing): vouchers then print 要確認."""
    path = settings.ADAPTERS.get("COPAYMENT_CLASSES")
    return cast(CopaymentClassLookup, import_string(path)) if path else None
