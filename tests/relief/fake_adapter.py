"""A stand-in for the intermediate server in tests (settings.ADAPTERS["PUBLIC_FUNDS_ACCOUNT"])."""

from __future__ import annotations

from typing import Any

CALLS: list[dict[str, Any]] = []
ACCOUNTS: dict[str, dict[str, str]] = {}


def lookup(resident: Any, *, requested_by: Any, purpose: str) -> dict[str, str] | None:
    CALLS.append({"atena_no": resident.atena_no, "requested_by": requested_by.username, "purpose": purpose})
    return ACCOUNTS.get(resident.atena_no)
