"""Where a batch's files live: the private storage area "notices", one folder per batch named by its batch_ref.

Paths on the rows (PrintFile.path, NoticeBatch.manifest_path) are relative to the area, e.g.
"NB20261101-1A2B3C/NB20261101-1A2B3C-0001.pdf". Each file is stored with its SHA-256 (the preview too) and read
back only through STORAGE.read, which checks it and records a mismatch.
"""

from __future__ import annotations

from core.storage import PrivateStorage

from ..models import NoticeBatch, NoticeChunk

STORAGE = PrivateStorage("notices")


def batch_folder(batch_ref: str) -> str:
    return batch_ref


def print_file_path(batch: NoticeBatch, chunk: NoticeChunk) -> str:
    """One file per chunk; DV-held people get files of their own, marked in the name."""
    held = "held-" if chunk.held else ""
    return f"{batch_folder(batch.batch_ref)}/{batch.batch_ref}-{held}{chunk.no:04d}.pdf"


def preview_path(batch: NoticeBatch) -> str:
    return f"{batch_folder(batch.batch_ref)}/{batch.batch_ref}-preview.pdf"


def manifest_path(batch: NoticeBatch) -> str:
    return f"{batch_folder(batch.batch_ref)}/{batch.batch_ref}-manifest.csv"


def file_name(path: str) -> str:
    """The name shown to staff and written to the manifest and the audit trail."""
    return path.rsplit("/", 1)[-1]
