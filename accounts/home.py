"""Widgets on the staff home page (e.g. stale linkage feeds, running batches). Apps append callables
(request) -> HTML or "" from their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HOME_WIDGETS: list[Callable[[Any], str]] = []
