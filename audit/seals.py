"""Seals of the audit chain's head, kept outside the database.

The hash chain shows any edited record and any record removed from the middle, but a database superuser who
removes the newest records leaves a shorter chain that is still whole. So every hour (Celery beat) the head —
its sequence number and hash — is appended to a file outside the database and written to the application log
(which production ships to the city's log server). Each line carries an HMAC under a key derived from
SECRET_KEY, so a line cannot be made up by whoever can write the file. `verify_audit_chain` then checks that
every sealed record is still there with the same hash: a truncated tail is caught up to the last seal.
"""

from __future__ import annotations

import datetime
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

log = logging.getLogger("audit.seals")
_SALT = "audit.seals.head"


@dataclass(frozen=True)
class SealProblem:
    line_no: int
    chain_seq: int
    reason: str

    def message(self) -> str:
        return f"封印ファイル {self.line_no} 行目(監査記録 #{self.chain_seq}): {self.reason}"


def seal_path() -> Path:
    return Path(settings.AUDIT_SEAL_PATH)


def _mac(sealed_at: str, chain_seq: int, row_hash: str) -> str:
    return salted_hmac(_SALT, f"{sealed_at}|{chain_seq}|{row_hash}", algorithm="sha256").hexdigest()


def seal_head() -> tuple[int, str] | None:
    """Append the chain's head to the seal file (and the log). None when the chain is empty."""
    with connection.cursor() as cur:
        cur.execute("SELECT chain_seq, row_hash FROM audit_auditrecord ORDER BY chain_seq DESC LIMIT 1")
        row = cur.fetchone()
    if row is None:
        return None
    chain_seq, row_hash = int(row[0]), str(row[1])
    sealed_at = timezone.now().isoformat(timespec="seconds")
    line = f"{sealed_at}\t{chain_seq}\t{row_hash}\t{_mac(sealed_at, chain_seq, row_hash)}\n"
    path = seal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="ascii") as fh:  # append-only by use; one line per seal
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
    log.info("audit chain sealed at #%s %s", chain_seq, row_hash)
    return chain_seq, row_hash


def check_seals() -> tuple[int, SealProblem | None]:
    """(seals checked, first problem or None). A seal below a retention purge's anchor is skipped: those
    records were removed by the one procedure allowed to remove them."""
    path = seal_path()
    if not path.exists():
        return 0, None
    seals: list[tuple[int, str, int, str]] = []  # (line_no, sealed_at, chain_seq, row_hash)
    with open(path, encoding="ascii", errors="replace") as fh:
        for line_no, line in enumerate(fh, start=1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4 or not parts[1].isdigit():
                return len(seals), SealProblem(line_no, 0, "形式が正しくありません")
            sealed_at, seq_text, row_hash, mac = parts
            if not constant_time_compare(mac, _mac(sealed_at, int(seq_text), row_hash)):
                return len(seals), SealProblem(line_no, int(seq_text), "封印が改ざんされています")
            seals.append((line_no, sealed_at, int(seq_text), row_hash))
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(chain_seq), 0) FROM audit_chainanchor")
        (purged_below,) = cur.fetchone()
        cur.execute(
            """SELECT s.seq, r.row_hash FROM unnest(%s::bigint[]) AS s(seq)
               LEFT JOIN audit_auditrecord r ON r.chain_seq = s.seq""",
            [sorted({seq for _, _, seq, _ in seals})],
        )
        found = dict(cur.fetchall())
    for line_no, sealed_at, chain_seq, row_hash in seals:
        if chain_seq < purged_below:
            continue
        if found.get(chain_seq) is None:
            return len(seals), SealProblem(line_no, chain_seq, f"{sealed_at} に封印した記録が削除されています")
        if found[chain_seq] != row_hash:
            return len(seals), SealProblem(line_no, chain_seq, f"{sealed_at} に封印した記録と一致しません")
    return len(seals), None


@dataclass(frozen=True)
class SealStatus:
    sealed_at: datetime.datetime | None
    chain_seq: int | None
    overdue: bool  # no seal for over two hours: the hourly job is not running


def last_seal(now: datetime.datetime | None = None) -> SealStatus:
    """The newest seal, for the auditors' monthly review (a stopped scheduler must not go unnoticed)."""
    now = now or timezone.now()
    path = seal_path()
    last = ""
    if path.exists():
        with open(path, "rb") as fh:
            fh.seek(max(0, path.stat().st_size - 4096))  # the last line is short: no need to read the year
            lines = fh.read().decode("ascii", errors="replace").splitlines()
            last = lines[-1] if lines else ""
    parts = last.split("\t")
    if len(parts) != 4 or not parts[1].isdigit():
        return SealStatus(None, None, overdue=True)
    try:
        sealed_at = datetime.datetime.fromisoformat(parts[0])
    except ValueError:
        return SealStatus(None, None, overdue=True)
    return SealStatus(sealed_at, int(parts[1]), overdue=now - sealed_at > datetime.timedelta(hours=2))
