"""Thin views: parse, authorize (require_perm + access helpers), call one service or selector, render.

copayments: consents and co-payment decisions; claims: fee schedules, monthly clinic claims and payments.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


def errors_text(exc: ValidationError) -> str:
    """A service's refusal as one line for a message or a form's error."""
    return " ".join(exc.messages)
