"""Load the implementation of a boundary named in settings.ADAPTERS (see integration/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


def get_adapter(name: str) -> Callable[..., Any]:
    return import_string(settings.ADAPTERS[name])
