"""Where an action comes from: the facts of a request that services need, without the request itself.

Views build one `Origin` and pass it with the acting staff member (`actor`) to a service; batch jobs and
commands use `Origin.batch()` / `Origin.command()`. Services never see Django's `HttpRequest`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Origin:
    ip: str | None = None  # the client's address as the web server saw it
    purpose: str = ""  # the business purpose staff gave (事務・目的), when the action asks for one
    channel: str = "web"  # web | batch | command

    @classmethod
    def of(cls, request: Any, purpose: str = "") -> Origin:
        """From a Django request (or None, for callers outside a request)."""
        if request is None:
            return cls(purpose=purpose)
        return cls(ip=request.META.get("REMOTE_ADDR") or None, purpose=purpose)

    @classmethod
    def batch(cls, purpose: str = "") -> Origin:
        return cls(purpose=purpose, channel="batch")

    @classmethod
    def command(cls, purpose: str = "") -> Origin:
        return cls(purpose=purpose, channel="command")

    def for_purpose(self, purpose: str) -> Origin:
        return replace(self, purpose=purpose)


NOWHERE = Origin()
