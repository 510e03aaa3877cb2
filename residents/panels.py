"""Sections other apps contribute to the resident page. Apps append callables here from their
AppConfig.ready(); residents never imports them (dependencies point towards residents)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RESIDENT_PANELS: list[Callable[[Any, Any], str]] = []
