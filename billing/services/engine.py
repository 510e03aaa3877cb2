"""The set-based co-payment decision (自己負担判定): one SQL pipeline for one person or 110,000.

For each target resident, on the run's reference date:
1. receiving 生活保護 or 中国残留邦人等支援給付 (own status valid on the day) -> exempt;
2. otherwise, without a valid consent -> co-payment (tax data is not read at all);
3. otherwise every member of the registry household who lived in the city on the day is checked for the
   tax year the rule names: under 16 on the levy date (1 January) -> not assessed; moved in after the
   levy date -> the city holds no assessment (proof from the former city needed); no consent of that
   member -> unknown; else the tax row read through `taxdata.tax_statuses_read`.
   One taxed member -> co-payment; 未申告 / moved in / missing consent / no record -> co-payment with that
   reason; all non-taxable -> exempt (住民税非課税世帯). The target's own status is read first, and the
   other members' only when the target is non-taxable: no tax data is read that cannot change the result.

The result, the statuses and consents used, and a fingerprint of them are stored. A new decision row
is written only where the fingerprint differs from the current one (history kept: the old row gets
superseded_at and effective_to). Current counter decisions are left alone.

Cross-app reads, allowed and on purpose: the pipeline joins the register's tables (residents_resident,
residents_residentstatus) in SQL, because a per-person selector would mean a query per resident. It writes
only billing's tables (billing_copaymentdecision, billing_decisionrun) and its own temp tables.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from accounts.models import Staff
from core.origin import Origin

from ..models import DecisionRun
from ..vaccines import levy_date
from . import taxdata

RULE_VERSION = "okazaki-copay-2026.1"
# Codes that mean a welfare / support period has ended (a correction row may say so).
ENDED_CODES = ("廃止", "停止", "終了", "非該当", "受給終了")
HZ_COHORT_AGES = (70, 75, 80, 85, 90, 95, 100)
TEMP_TABLES = (
    "billing_t_target",
    "billing_t_own",
    "billing_t_tconsent",
    "billing_t_member",
    "billing_t_tax_wanted",
    "billing_t_tax",
    "billing_t_result",
    "billing_t_change",
)

# Age at the end of the fiscal year (年度末年齢), counted with the day-before-birthday rule:
# someone born on 1 April belongs with those born earlier (学年の区切り).
FY_END_AGE = (
    "(%(fy)s + 1 - extract(year FROM r.birth_date)::int"
    " - CASE WHEN to_char(r.birth_date, 'MMDD') > '0401' THEN 1 ELSE 0 END)"
)
RESIDENT_ON_REF = (
    "(r.became_resident_on IS NULL OR r.became_resident_on <= %(ref)s)"
    " AND (r.status = 'resident' OR r.ceased_on > %(ref)s)"
)


def population_condition(vaccine: str, fiscal_year: int) -> str:
    """SQL condition on alias r for the season's target population of a vaccine (elderly, routine)."""
    if vaccine == "ppv_elderly":
        return f"{FY_END_AGE} = 65"
    if vaccine == "hz":
        ages = [65]
        if 2025 <= fiscal_year <= 2029:
            ages += list(HZ_COHORT_AGES)
        cond = f"{FY_END_AGE} IN ({', '.join(str(a) for a in ages)})"
        if fiscal_year == 2025:
            cond = f"({cond} OR {FY_END_AGE} >= 100)"
        return cond
    return f"{FY_END_AGE} >= 65"  # influenza, COVID-19: 65 and over during the season


def _step(run: DecisionRun, step: str) -> None:
    run.step = step
    DecisionRun.objects.filter(pk=run.pk).update(step=step)


def execute(*, run: DecisionRun, target_ids: Sequence[int] | None, actor: Staff | None, origin: Origin) -> DecisionRun:
    """Run the pipeline for `run` inside the caller's transaction; fills the run's counts."""
    p = {
        "ref": run.reference_date,
        "fy": run.fiscal_year,
        "tfy": run.tax_fiscal_year,
        "levy": levy_date(run.tax_fiscal_year),
        "minor_born_after": datetime.date(run.tax_fiscal_year - 16, 1, 1),
        "vaccine": run.vaccine,
        "eff": run.effective_from,
        "run": run.pk,
        "actor": getattr(actor, "pk", None),
        "now": timezone.now(),
        "ended": list(ENDED_CODES),
        "rule": RULE_VERSION,
    }
    with connection.cursor() as cur:
        for t in TEMP_TABLES:
            cur.execute(f"DROP TABLE IF EXISTS {t}")
        _step(run, "対象者の抽出")
        if target_ids is None:
            cond = population_condition(run.vaccine, run.fiscal_year)
            cur.execute(
                f"""CREATE TEMP TABLE billing_t_target ON COMMIT DROP AS
                SELECT r.id AS resident_id, r.household_id FROM residents_resident r
                WHERE {RESIDENT_ON_REF} AND {cond}""",  # noqa: S608 - conditions are built from constants
                p,
            )
        else:
            cur.execute(
                """CREATE TEMP TABLE billing_t_target ON COMMIT DROP AS
                SELECT r.id AS resident_id, r.household_id FROM residents_resident r
                WHERE r.id = ANY(%(ids)s::bigint[])""",
                # one array literal: psycopg's per-element dumping of 110,000 ints costs seconds
                {**p, "ids": "{" + ",".join(str(int(i)) for i in target_ids) + "}"},
            )
        cur.execute("ALTER TABLE billing_t_target ADD PRIMARY KEY (resident_id)")
        cur.execute(
            """DELETE FROM billing_t_target t USING billing_copaymentdecision d
               WHERE d.resident_id = t.resident_id AND d.vaccine = %(vaccine)s AND d.fiscal_year = %(fy)s
                 AND d.superseded_at IS NULL AND d.method = 'counter'""",
            p,
        )
        skipped_counter = cur.rowcount
        cur.execute("ANALYZE billing_t_target")

        _step(run, "生活保護・支援給付の確認")
        cur.execute(
            """CREATE TEMP TABLE billing_t_own ON COMMIT DROP AS
            SELECT DISTINCT ON (s.resident_id, s.kind)
                   s.resident_id, s.kind, s.id, s.code, s.valid_from, s.valid_to
            FROM residents_residentstatus s JOIN billing_t_target t ON t.resident_id = s.resident_id
            WHERE s.kind IN ('welfare', 'china_support')
              AND s.valid_from <= %(ref)s AND (s.valid_to IS NULL OR s.valid_to >= %(ref)s)
            ORDER BY s.resident_id, s.kind, s.recorded_at DESC, s.id DESC""",
            p,
        )
        cur.execute("DELETE FROM billing_t_own WHERE code = ANY(%(ended)s)", p)
        cur.execute("CREATE INDEX ON billing_t_own (resident_id)")

        _step(run, "世帯員と同意書の確認")
        cur.execute(
            f"""CREATE TEMP TABLE billing_t_tconsent ON COMMIT DROP AS
            SELECT w.resident_id, c.consent_id
            FROM billing_t_target w
            JOIN LATERAL ({taxdata.VALID_CONSENT_SQL}) c ON true
            WHERE NOT EXISTS (SELECT 1 FROM billing_t_own o WHERE o.resident_id = w.resident_id)""",  # noqa: S608
            p,
        )
        cur.execute("ALTER TABLE billing_t_tconsent ADD PRIMARY KEY (resident_id)")
        cur.execute(
            f"""CREATE TEMP TABLE billing_t_member ON COMMIT DROP AS
            SELECT tc.resident_id AS target_id, r.id AS member_id, r.atena_no, r.relation1,
                   (r.birth_date > %(minor_born_after)s) AS minor,
                   (r.birth_date <= %(minor_born_after)s
                    AND coalesce(r.became_resident_on > %(levy)s, false)) AS moved_in
            FROM billing_t_tconsent tc
            JOIN billing_t_target t ON t.resident_id = tc.resident_id
            JOIN residents_resident r ON r.household_id = t.household_id
            WHERE {RESIDENT_ON_REF}""",  # noqa: S608
            p,
        )
        cur.execute("CREATE INDEX ON billing_t_member (target_id)")
        # Read as little tax data as the decision needs: first each target's own status; the rest of
        # the household only where the target is non-taxable (one taxed member already decides it).
        _step(run, "課税状況の確認(同意書のある方のみ)")
        cur.execute(
            f"""CREATE TEMP TABLE {taxdata.WANTED_TABLE} ON COMMIT DROP AS
            SELECT member_id AS resident_id FROM billing_t_member
            WHERE member_id = target_id AND NOT minor AND NOT moved_in"""  # noqa: S608
        )
        tax_reads = taxdata.tax_statuses_read(
            cursor=cur,
            fiscal_year=run.tax_fiscal_year,
            reference_date=run.reference_date,
            vaccine=run.vaccine,
            actor=actor,
            origin=origin,
            detail={"decision_run": run.pk, "step": "本人"},
        )
        cur.execute(
            f"""DELETE FROM billing_t_member m
            WHERE m.member_id <> m.target_id
              AND NOT EXISTS (SELECT 1 FROM {taxdata.RESULT_TABLE} t
                              WHERE t.resident_id = m.target_id AND t.code LIKE '%%非課税%%')"""  # noqa: S608
        )
        cur.execute(f"TRUNCATE {taxdata.WANTED_TABLE}")
        cur.execute(
            f"""INSERT INTO {taxdata.WANTED_TABLE}
            SELECT DISTINCT member_id FROM billing_t_member
            WHERE member_id <> target_id AND NOT minor AND NOT moved_in"""  # noqa: S608
        )
        tax_reads += taxdata.tax_statuses_read(
            cursor=cur,
            fiscal_year=run.tax_fiscal_year,
            reference_date=run.reference_date,
            vaccine=run.vaccine,
            actor=actor,
            origin=origin,
            detail={"decision_run": run.pk, "step": "世帯員"},
        )

        _step(run, "判定")
        cur.execute(
            f"""CREATE TEMP TABLE billing_t_result ON COMMIT DROP AS
            WITH ms AS (
              SELECT m.target_id, m.member_id, m.atena_no, m.relation1, tx.status_id, tx.code, tx.consent_id,
                CASE WHEN m.minor THEN 'minor'
                     WHEN m.moved_in THEN 'moved_in'
                     WHEN tx.consent_id IS NULL THEN 'no_consent'
                     WHEN tx.code LIKE '%%非課税%%' THEN 'non_taxed'
                     WHEN tx.code LIKE '%%未申告%%' THEN 'unfiled'
                     WHEN tx.code LIKE '%%課税%%' THEN 'taxed'
                     ELSE 'no_record' END AS state
              FROM billing_t_member m LEFT JOIN {taxdata.RESULT_TABLE} tx ON tx.resident_id = m.member_id
            ), agg AS (
              SELECT target_id,
                bool_or(state = 'taxed') AS any_taxed, bool_or(state = 'unfiled') AS any_unfiled,
                bool_or(state = 'moved_in') AS any_moved, bool_or(state = 'no_consent') AS any_nocons,
                bool_or(state = 'no_record') AS any_norec,
                jsonb_agg(jsonb_build_object('atena_no', atena_no, 'relation', relation1, 'state', state,
                          'tax_code', code, 'status_id', status_id, 'consent_id', consent_id)
                          ORDER BY member_id) AS members,
                string_agg(member_id || ':' || state || ':' || coalesce(status_id::text, '')
                           || ':' || coalesce(consent_id::text, ''), ',' ORDER BY member_id) AS fp
              FROM ms GROUP BY target_id
            ), res AS (
              SELECT t.resident_id, tc.consent_id, w.id AS welfare_id, ch.id AS china_id,
                jsonb_build_object('status_id', w.id, 'code', w.code, 'valid_from', w.valid_from,
                                   'valid_to', w.valid_to) AS welfare,
                jsonb_build_object('status_id', ch.id, 'code', ch.code, 'valid_from', ch.valid_from,
                                   'valid_to', ch.valid_to) AS china,
                agg.members, agg.fp,
                CASE WHEN w.id IS NOT NULL THEN 'welfare'
                     WHEN ch.id IS NOT NULL THEN 'china_support'
                     WHEN tc.consent_id IS NULL THEN 'no_consent'
                     WHEN agg.any_taxed THEN 'taxed'
                     WHEN agg.any_unfiled THEN 'unfiled'
                     WHEN agg.any_moved THEN 'moved_in'
                     WHEN agg.any_nocons THEN 'member_no_consent'
                     WHEN agg.any_norec THEN 'no_tax_record'
                     ELSE 'tax_exempt_household' END AS reason
              FROM billing_t_target t
              LEFT JOIN billing_t_own w ON w.resident_id = t.resident_id AND w.kind = 'welfare'
              LEFT JOIN billing_t_own ch ON ch.resident_id = t.resident_id AND ch.kind = 'china_support'
              LEFT JOIN billing_t_tconsent tc ON tc.resident_id = t.resident_id
              LEFT JOIN agg ON agg.target_id = t.resident_id
            )
            SELECT resident_id, consent_id, reason,
                   reason IN ('welfare', 'china_support', 'tax_exempt_household') AS exempt,
                   jsonb_strip_nulls(jsonb_build_object(
                     'rule', %(rule)s::text, 'reference_date', %(ref)s::date,
                     'tax_fiscal_year', %(tfy)s::int, 'levy_date', %(levy)s::date,
                     'welfare', CASE WHEN welfare_id IS NOT NULL THEN welfare END,
                     'china_support', CASE WHEN china_id IS NOT NULL THEN china END,
                     'consent_id', consent_id, 'household', members)) AS basis,
                   md5(reason || '|' || coalesce(welfare_id::text, '') || '|' || coalesce(china_id::text, '')
                       || '|' || coalesce(consent_id::text, '') || '|' || coalesce(fp, '')) AS fingerprint
            FROM res""",  # noqa: S608
            p,
        )
        cur.execute("ALTER TABLE billing_t_result ADD PRIMARY KEY (resident_id)")
        cur.execute("SELECT count(*), count(*) FILTER (WHERE exempt) FROM billing_t_result")
        targets, exempt = cur.fetchone()

        _step(run, "判定結果の保存")
        cur.execute(
            """CREATE TEMP TABLE billing_t_change ON COMMIT DROP AS
            SELECT x.*, d.id AS old_id FROM billing_t_result x
            LEFT JOIN billing_copaymentdecision d
              ON d.resident_id = x.resident_id AND d.vaccine = %(vaccine)s AND d.fiscal_year = %(fy)s
             AND d.superseded_at IS NULL
            WHERE d.id IS NULL OR (d.fingerprint <> x.fingerprint AND d.effective_from <= %(eff)s)""",
            p,
        )
        cur.execute(
            """UPDATE billing_copaymentdecision d
               SET superseded_at = %(now)s, effective_to = %(eff)s::date - 1
               FROM billing_t_change c WHERE d.id = c.old_id""",
            p,
        )
        cur.execute(
            """INSERT INTO billing_copaymentdecision
                (resident_id, vaccine, fiscal_year, exempt, reason, method, reference_date, tax_fiscal_year,
                 effective_from, effective_to, consent_id, basis, fingerprint, counter_reason, evidence,
                 run_id, decided_by_id, decided_at, superseded_at, superseded_by_id)
               SELECT resident_id, %(vaccine)s, %(fy)s, exempt, reason, 'auto', %(ref)s, %(tfy)s,
                      %(eff)s, NULL, consent_id, basis, fingerprint, '', '', %(run)s, %(actor)s, %(now)s, NULL, NULL
               FROM billing_t_change""",
            p,
        )
        created = cur.rowcount
        cur.execute(
            """UPDATE billing_copaymentdecision d SET superseded_by_id = n.id
               FROM billing_t_change c JOIN billing_copaymentdecision n
                 ON n.resident_id = c.resident_id AND n.run_id = %(run)s
               WHERE d.id = c.old_id""",
            p,
        )
    run.targets = targets
    run.exempt = exempt
    run.charged = targets - exempt
    run.created = created
    run.unchanged = targets - created
    run.skipped_counter = skipped_counter
    run.tax_reads = tax_reads
    return run
