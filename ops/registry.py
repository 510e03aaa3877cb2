"""Where seed_demo and bench find each app's part: `ops/demo/<app>.py` (`seed(*, rng, residents, stdout)`)
and `ops/bench/<app>.py` (`run(*, scale, stdout) -> dict`). The order is the dependency order (the register
first). The apps never import ops; ops imports them."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

APPS_IN_ORDER = ["accounts", "residents", "immunization", "notices", "billing", "relief", "integration"]


def modules(kind: str) -> list[ModuleType]:
    """`modules("demo")` -> [ops.demo.accounts, ops.demo.residents, …] for the apps that have one."""
    found = []
    for app in APPS_IN_ORDER:
        dotted = f"ops.{kind}.{app}"
        if importlib.util.find_spec(dotted) is not None:
            found.append(importlib.import_module(dotted))
    return found
