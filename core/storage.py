"""Private files (print files, uploads, letters, exports) under settings.PRIVATE_STORAGE_ROOT.

Nothing here is under a web root or a media URL: the only way out is an app's audited view. Every write
is atomic (a temporary file renamed into place, so a killed worker never leaves half a file under the
final name) and returns the SHA-256 that the app stores beside the path; every read checks it, and a
mismatch is refused and recorded (outcome "tampered").
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from .origin import Origin
from .refusals import Outcome, record_refusal


class ChecksumMismatch(RuntimeError):
    """The file on disk is not the one that was written: it is never served."""

    message = "保存されているファイルが作成時の内容と一致しません(改ざんの可能性)。管理者に連絡してください。"


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to the area
    sha256: str
    size: int


class PrivateStorage:
    """One area of private storage ("notices", "relief", …); paths are relative to the area."""

    def __init__(self, area: str) -> None:
        self.area = area

    def root(self) -> Path:
        return Path(settings.PRIVATE_STORAGE_ROOT) / self.area

    def absolute(self, rel: str | Path) -> Path:
        """The file's path on disk; refuses anything that would leave the area (``../`` tricks)."""
        root = self.root().resolve()
        path = (root / rel).resolve()
        if root not in path.parents:
            raise FileNotFoundError(str(rel))
        return path

    @staticmethod
    def new_name(folder: str, suffix: str) -> str:
        """A fresh relative path; a stored name never carries an uploaded name."""
        return f"{folder}/{uuid.uuid4().hex}{suffix}"

    def write(self, rel: str | Path, data: bytes) -> StoredFile:
        """Write via a temporary file, fsync and rename (owner-only permissions)."""
        path = self.absolute(rel)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StoredFile(path=str(rel), sha256=hashlib.sha256(data).hexdigest(), size=len(data))

    def read(
        self,
        rel: str | Path,
        sha256: str,
        *,
        actor: Any = None,
        origin: Origin | None = None,
        what: str = "file_read",
        subject_atena: str = "",
    ) -> bytes:
        """The file's bytes, only if they still hash to `sha256`; otherwise recorded and refused."""
        data = self.absolute(rel).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            record_refusal(
                actor=actor,
                origin=origin,
                action=what,
                outcome=Outcome.TAMPERED,
                subject_atena=subject_atena,
                path=f"{self.area}/{rel}",
                expected_sha256=sha256,
            )
            raise ChecksumMismatch(str(rel))
        return data

    def exists(self, rel: str | Path) -> bool:
        return self.absolute(rel).exists()

    def remove(self, rel: str | Path) -> None:
        self.absolute(rel).unlink(missing_ok=True)
