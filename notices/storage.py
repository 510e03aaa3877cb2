"""Print files live under settings.PRIVATE_STORAGE_ROOT (outside the web root); served only by audited views."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def batch_dir(batch_ref: str) -> Path:
    return Path("notices") / batch_ref


def absolute(rel: str | Path) -> Path:
    path = (root() / rel).resolve()
    if root().resolve() not in path.parents:
        raise ValueError("path outside private storage")
    return path


def write_atomic(rel: str | Path, data: bytes) -> tuple[str, int]:
    """Write via a temporary file and rename: a killed worker never leaves a half file under the final name.
    Returns (sha256, size)."""
    path = absolute(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest(), len(data)


def read_verified(rel: str, sha256: str) -> bytes:
    data = absolute(rel).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ChecksumMismatch(rel)
    return data


class ChecksumMismatch(RuntimeError):
    pass
