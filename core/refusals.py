"""One way to record a refused action, with one set of outcomes.

Every app refuses things: a missing right, a second step by the person who did the first, input that
fails validation, a file whose checksum no longer matches. Each refusal is recorded through
`record_refusal`, which hands it to the recorder that `audit` installs at start-up (core imports no app:
the arrow points down, the implementation is plugged in from above).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from .origin import Origin


class Outcome(models.TextChoices):
    """Every outcome an audit record can carry: the refusals below, and the results of allowed actions."""

    OK = "ok", "正常"
    DENIED = "denied", "拒否(権限・規則)"  # no right, or a rule forbids this person doing it (four-eyes)
    INVALID = "invalid", "入力不備"  # input rejected: nothing was stored
    NOT_FOUND = "not_registered", "該当なし"
    LOCKED = "locked", "ロック中"
    TAMPERED = "tampered", "改ざん検知"  # a stored file no longer matches its checksum
    # results of actions that were allowed but did not succeed (not refusals: the monthly review counts apart)
    FAILED = "failed", "失敗"  # e.g. a wrong password
    REJECTED = "rejected", "取込不可"  # a linkage file that failed validation as a whole
    ERROR = "error", "相手方エラー"  # the other system answered with an error


REFUSED = (Outcome.DENIED, Outcome.INVALID, Outcome.LOCKED, Outcome.TAMPERED)


class RefusalRecorder(Protocol):
    def __call__(
        self,
        *,
        actor: Any,
        origin: Origin | None,
        action: str,
        outcome: Outcome,
        subject_atena: str,
        obj: Any,
        purpose: str,
        detail: dict[str, Any],
    ) -> None: ...


_recorder: RefusalRecorder | None = None


def install_recorder(recorder: RefusalRecorder) -> None:
    """Called once by audit's AppConfig.ready()."""
    global _recorder
    _recorder = recorder


def record_refusal(
    *,
    actor: Any,
    action: str,
    outcome: Outcome = Outcome.DENIED,
    origin: Origin | None = None,
    subject_atena: str = "",
    obj: Any = None,
    purpose: str = "",
    errors: Any = None,
    **detail: Any,
) -> None:
    """Record that `actor` was refused `action` (e.g. "claim_approve"), and why (`errors`, `detail`)."""
    if outcome == Outcome.OK:
        raise ValueError("a refusal cannot have the outcome 'ok'")
    if _recorder is None:
        raise ImproperlyConfigured("no refusal recorder installed (is 'audit' in INSTALLED_APPS?)")
    payload = {"refused": action, **detail}
    if errors is not None:
        payload["errors"] = _plain_errors(errors)
    _recorder(
        actor=actor,
        origin=origin,
        action=action,
        outcome=outcome,
        subject_atena=subject_atena or "",
        obj=obj,
        purpose=purpose or (origin.purpose if origin else ""),
        detail=payload,
    )


def _plain_errors(errors: Any) -> Any:
    """ValidationError, a dict of lists of messages or a string -> JSON-friendly messages."""
    if hasattr(errors, "message_dict"):
        return {k: [str(m) for m in v] for k, v in errors.message_dict.items()}
    if hasattr(errors, "messages"):
        return [str(m) for m in errors.messages]
    if isinstance(errors, dict):
        return {str(k): [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in errors.items()}
    if isinstance(errors, list | tuple):
        return [str(m) for m in errors]
    return str(errors)
