"""Where seed_demo and bench find each app's part. An app joins by having the module; the order is
the dependency order (the register first)."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

APPS_IN_ORDER = ["accounts", "residents", "immunization", "notices", "billing", "relief", "integration"]


def modules(name: str) -> list[ModuleType]:
    """`modules("demo")` -> [accounts.demo, residents.demo, …] for the apps that have one."""
    found = []
    for app in APPS_IN_ORDER:
        dotted = f"{app}.{name}"
        if importlib.util.find_spec(dotted) is not None:
            found.append(importlib.import_module(dotted))
    return found
