"""Target extraction in one INSERT … SELECT: the cohort, each person's mailing address as of the reference
date (DV protection > 共通送付先 > registered address), the doses still missing, and the exclusion reason.
No Python loop over residents (bench: extract_400k_s).

A set-based read across apps, documented as architecture.md allows: it reads the register's tables
(residents_resident, residents_residentstatus) and takes the "dose still missing" expression from
immunization.selectors.missing_doses_sql; it writes only notices' own table."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection

from core.legal_age import fiscal_year_start
from immunization.selectors import missing_doses_sql

from . import rules
from .models import Cohort, NoticeBatch


def cohort_ranges(batch: NoticeBatch) -> list[rules.BirthRange]:
    """Birth-date ranges of the batch's cohort (raises rules.RuleMissing with a message for staff)."""
    on = batch.on
    if batch.cohort in (Cohort.AGE, Cohort.MOVEIN):
        return [rules.age_range(on, batch.age_from or 0, batch.age_to if batch.age_to is not None else 120)]
    ranges: list[rules.BirthRange] = []
    for code in batch.dose_codes:
        if batch.cohort == Cohort.OVERDUE:
            ranges += rules.overdue_ranges(code, on)
        else:
            ranges.append(rules.window(batch.cohort, code, on))
    return ranges


def _missing_doses_sql(batch: NoticeBatch, params: dict[str, Any]) -> str:
    params["doses"] = list(batch.dose_codes)
    if not batch.exclude_vaccinated or not batch.dose_codes:
        return "%(doses)s::text[]"
    since = None
    if any(rules.is_annual(code) for code in batch.dose_codes):
        params["season_start"] = fiscal_year_start(batch.on)
        since = "season_start"
    return missing_doses_sql(resident_id_sql="r.id", doses_param="doses", since_param=since, params=params)


def _recent_sql(batch: NoticeBatch, params: dict[str, Any]) -> str:
    if not batch.notified_within_days:
        return "false"
    # a notice counts from its batch's reference date (the date printed on it), once it has been printed
    params["recent_since"] = batch.on - datetime.timedelta(days=batch.notified_within_days)
    return """EXISTS (SELECT 1 FROM notices_noticetarget t2 JOIN notices_noticebatch b2 ON b2.id = t2.batch_id
        WHERE t2.resident_id = r.id AND b2.id <> %(batch)s AND b2.kind = %(kind)s
        AND b2.vaccine_code = %(vaccine)s AND t2.printed_at IS NOT NULL
        AND b2.on BETWEEN %(recent_since)s AND %(on)s)"""


def extract(batch: NoticeBatch) -> dict[str, int]:
    """Write the batch's NoticeTarget rows; return {reason: count} (reason "" = target, "held" = DV held)."""
    params: dict[str, Any] = {
        "batch": batch.pk,
        "on": batch.on,
        "kind": batch.kind,
        "vaccine": batch.vaccine_code,
        "dv_policy": batch.dv_policy,
        "has_doses": bool(batch.dose_codes),  # a survey asks about every vaccine: nobody is "already done"
    }
    where = []
    for i, rng in enumerate(cohort_ranges(batch)):
        params[f"bf{i}"], params[f"bt{i}"] = rng.birth_from, rng.birth_to
        where.append(f"r.birth_date BETWEEN %(bf{i})s AND %(bt{i})s")
    if not where:
        where = ["false"]
    cohort_where = "(" + " OR ".join(where) + ")"
    if batch.cohort == Cohort.MOVEIN:
        params["movein_from"] = batch.movein_from
        cohort_where += (
            " AND r.became_resident_reason = '転入' AND r.became_resident_on BETWEEN %(movein_from)s AND %(on)s"
        )
    sql = f"""
WITH st AS MATERIALIZED (
  SELECT DISTINCT ON (s.resident_id, s.kind) s.resident_id, s.kind, s.detail
  FROM residents_residentstatus s
  WHERE s.kind IN ('dv', 'mailing') AND s.valid_from <= %(on)s AND (s.valid_to IS NULL OR s.valid_to >= %(on)s)
  ORDER BY s.resident_id, s.kind, s.recorded_at DESC, s.id DESC
),
c AS MATERIALIZED (  -- once per person: the anti-join probes and addresses are not re-evaluated
  SELECT r.id, r.status, r.atena_no, r.name, r.name_kana, r.birth_date, r.postal_code, r.address, r.katagaki,
         r.became_resident_on, dv.detail AS dv_detail, ml.detail AS ml_detail,
         {_missing_doses_sql(batch, params)} AS missing,
         {_recent_sql(batch, params)} AS recent
  FROM residents_resident r
  LEFT JOIN st dv ON dv.resident_id = r.id AND dv.kind = 'dv'
  LEFT JOIN st ml ON ml.resident_id = r.id AND ml.kind = 'mailing'
  WHERE {cohort_where}
),
a AS (
  SELECT c.*, CASE
    WHEN c.dv_detail IS NOT NULL THEN CASE
      WHEN %(dv_policy)s = 'protected' AND coalesce(c.dv_detail->>'address', '') <> ''
           AND coalesce(c.dv_detail->>'postal_code', '') <> '' THEN 'dv_protected'
      ELSE 'dv_hold' END
    WHEN coalesce(c.ml_detail->>'address', '') <> '' THEN 'mailing'
    ELSE 'registered' END AS src
  FROM c
),
b AS (
  SELECT a.*,
    left(regexp_replace(CASE a.src WHEN 'dv_protected' THEN a.dv_detail->>'postal_code'
      WHEN 'mailing' THEN coalesce(a.ml_detail->>'postal_code', '') WHEN 'dv_hold' THEN ''
      ELSE a.postal_code END, '[^0-9]', '', 'g'), 7) AS m_zip,
    CASE a.src WHEN 'dv_protected' THEN a.dv_detail->>'address' WHEN 'mailing' THEN a.ml_detail->>'address'
      WHEN 'dv_hold' THEN '' ELSE a.address END AS m_addr,
    CASE a.src WHEN 'registered' THEN a.katagaki WHEN 'dv_protected' THEN coalesce(a.dv_detail->>'katagaki', '')
      WHEN 'mailing' THEN coalesce(a.ml_detail->>'katagaki', '') ELSE '' END AS m_kata
  FROM a
),
x AS MATERIALIZED (
  SELECT b.*, CASE
    WHEN b.status = 'deceased' THEN 'dead'
    WHEN b.status <> 'resident' THEN 'moved_out'
    WHEN %(has_doses)s AND cardinality(b.missing) = 0 THEN 'vaccinated'
    WHEN b.recent THEN 'recent'
    WHEN b.src <> 'dv_hold' AND (b.m_zip = '' OR coalesce(b.m_addr, '') = '') THEN 'no_address'
    ELSE '' END AS reason
  FROM b
)
INSERT INTO notices_noticetarget (batch_id, resident_id, excluded_reason, seq, doses, address_source, held,
  atena_no, name, name_kana, birth_date, mail_postal_code, mail_address, mail_katagaki, became_resident_on,
  page_count)
SELECT %(batch)s, x.id, x.reason,
  CASE WHEN x.reason = '' THEN row_number() OVER (
    PARTITION BY x.reason = '' ORDER BY x.src = 'dv_hold', x.m_zip COLLATE "C", x.m_addr COLLATE "C",
    x.m_kata COLLATE "C", x.atena_no COLLATE "C") END,
  to_jsonb(x.missing), x.src, x.src = 'dv_hold', x.atena_no, x.name, x.name_kana, x.birth_date,
  coalesce(x.m_zip, ''), coalesce(x.m_addr, ''), coalesce(x.m_kata, ''), x.became_resident_on, 0
FROM x
"""  # noqa: S608 (only column and table names from the model metadata are interpolated)
    with connection.cursor() as cur:
        # The planner overestimates the per-person probes and JIT-compiles the statement: measured 2.6 s of
        # compilation for a 1 s query. Off for this transaction only (the caller holds one).
        if not connection.get_autocommit():
            cur.execute("SET LOCAL jit = off")
            cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute("DELETE FROM notices_noticetarget WHERE batch_id = %s", [batch.pk])
        cur.execute(sql, params)
        cur.execute(
            """SELECT excluded_reason, count(*), count(*) FILTER (WHERE held)
               FROM notices_noticetarget WHERE batch_id = %s GROUP BY excluded_reason""",
            [batch.pk],
        )
        counts: dict[str, int] = {}
        for reason, n, held in cur.fetchall():
            counts[reason] = n
            if reason == "":
                counts["held"] = held
    return counts
