"""Verify the hash chain of the audit table: any edited, inserted-by-hand or removed record breaks it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

# A row may start a chain segment only where a retention purge left an anchor (its seq and hash).
_CHECK = """
SELECT id, chain_seq, reason FROM (
  SELECT r.id, r.chain_seq,
         CASE
           WHEN r.row_hash <> encode(sha256(convert_to(r.prev_hash || audit_canonical(r), 'UTF8')), 'hex')
             THEN 'content'
           WHEN a.id IS NOT NULL THEN NULL
           WHEN lag(r.chain_seq) OVER w IS NULL AND NOT (r.chain_seq = 1 AND r.prev_hash = '')
             THEN 'start'
           WHEN r.chain_seq <> lag(r.chain_seq) OVER w + 1 THEN 'gap'
           WHEN r.prev_hash <> lag(r.row_hash) OVER w THEN 'link'
         END AS reason
    FROM audit_auditrecord r
    LEFT JOIN audit_chainanchor a ON a.chain_seq = r.chain_seq AND a.row_hash = r.row_hash
  WINDOW w AS (ORDER BY r.chain_seq)
) t WHERE reason IS NOT NULL ORDER BY chain_seq LIMIT 1
"""

REASONS = {
    "content": "内容が改ざんされています",
    "gap": "直前の記録が削除されています",
    "link": "前の記録との連結が一致しません",
    "start": "先頭の記録が削除されています",
}


@dataclass(frozen=True)
class ChainBreak:
    record_id: int
    chain_seq: int
    reason: str

    def message(self) -> str:
        return f"監査記録 #{self.chain_seq} (id={self.record_id}): {REASONS.get(self.reason, self.reason)}"


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Return (records checked, first break or None)."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM audit_auditrecord")
        (count,) = cur.fetchone()
        cur.execute(_CHECK)
        row = cur.fetchone()
    return count, (ChainBreak(*row) if row else None)
