"""Files of the relief business (uploads, letters, finance CSVs) under settings.PRIVATE_STORAGE_ROOT.

Nothing here is under STATIC_ROOT or a media URL: the only way out is the audited views of this app.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings


def root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "relief"


def new_path(folder: str, suffix: str) -> str:
    """A fresh relative path; the stored name never carries the uploaded name (no path tricks)."""
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def write(relpath: str, data: bytes) -> str:
    """Write the bytes (owner-only permissions) and return their SHA-256."""
    path = root() / relpath
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return hashlib.sha256(data).hexdigest()


def read(relpath: str) -> bytes:
    path = (root() / relpath).resolve()
    if root().resolve() not in path.parents:
        raise FileNotFoundError(relpath)
    return path.read_bytes()


def remove(relpath: str) -> None:
    (root() / relpath).unlink(missing_ok=True)
