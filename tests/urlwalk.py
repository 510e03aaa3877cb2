"""Every GET-able URL of the project with sample ids filled in, for the "no My Number anywhere" checks."""

from __future__ import annotations

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _fill(route: str, sample_id: int) -> str:
    def repl(m: re.Match[str]) -> str:
        conv = m.group(1) or "str"
        if conv == "int":
            return str(sample_id)
        if conv == "uuid":
            return str(uuid.UUID(int=sample_id))
        return "x"

    return _PARAM.sub(repl, route)


def all_paths(sample_id: int, *, skip_prefixes: tuple[str, ...] = ("console/",)) -> list[str]:
    paths: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if route.startswith("^"):  # regex routes (the admin console) are checked separately
                continue
            full = prefix + route
            if any(full.startswith(s) for s in skip_prefixes):
                continue
            if isinstance(p, URLResolver):
                walk(p.url_patterns, full)
            elif isinstance(p, URLPattern):
                paths.append("/" + _fill(full, sample_id))

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))
