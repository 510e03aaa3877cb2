"""The one door to resident-tax data (住民税課税状況) in this system.

Tax data is protected by the tax secrecy duty; the city may use it for the co-payment decision only
for a person who filed a consent form (同意書). Every read of a tax status in billing goes through
`tax_statuses_read`: it selects the tax row only for people with a consent valid on the reference day
(the consent test is part of the same SQL statement, so no caller can skip it), and writes one access
record per person read (event "view", purpose 実費の徴収 / 課税状況の確認). A test checks that no other
billing module names the tax status kind.

The tax rows are the register's (residents_residentstatus): read here in set-based SQL, with the consent
test in the same statement, never written.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection

from accounts.models import Staff
from audit.models import Event
from audit.services import Subject, access_record, access_record_bulk
from core.origin import Origin
from residents.models import Resident

from .. import purposes

# A consent valid on %(ref)s for %(vaccine)s; used as a LATERAL subquery on alias `w.resident_id`.
VALID_CONSENT_SQL = """
    SELECT c.id AS consent_id FROM billing_consent c
    WHERE c.resident_id = w.resident_id
      AND c.state IN ('verified', 'withdrawn')
      AND c.filed_on <= %(ref)s AND c.expires_on >= %(ref)s
      AND (c.withdrawn_on IS NULL OR c.withdrawn_on > %(ref)s)
      AND c.scope IN ('all', %(vaccine)s)
    ORDER BY c.expires_on DESC, c.id DESC
    LIMIT 1
"""

WANTED_TABLE = "billing_t_tax_wanted"
RESULT_TABLE = "billing_t_tax"


def tax_statuses_read(
    *,
    cursor: Any,
    fiscal_year: int,
    reference_date: datetime.date,
    vaccine: str,
    actor: Staff | None,
    origin: Origin,
    detail: dict[str, Any] | None = None,
) -> int:
    """Read the tax status of fiscal year `fiscal_year` for the people in temp table billing_t_tax_wanted
    (column resident_id) who hold a valid consent; add them to temp table billing_t_tax
    (resident_id, consent_id, status_id, code) and log each person read. Returns the number read.

    Must run inside a transaction (the temp tables are dropped on commit). Called again in the same
    transaction, it adds to the table and skips people already read.
    """
    params = {"ref": reference_date, "vaccine": vaccine, "fy": fiscal_year}
    cursor.execute(
        f"""CREATE TEMP TABLE IF NOT EXISTS {RESULT_TABLE}
            (resident_id bigint PRIMARY KEY, consent_id bigint NOT NULL, status_id bigint, code text)
            ON COMMIT DROP"""
    )
    # people already read in this transaction are not read (nor logged) again
    cursor.execute(
        f"""
        INSERT INTO {RESULT_TABLE} (resident_id, consent_id, status_id, code)
        SELECT w.resident_id, c.consent_id, s.id, s.code
        FROM (SELECT DISTINCT resident_id FROM {WANTED_TABLE}) w
        JOIN LATERAL ({VALID_CONSENT_SQL}) c ON true
        LEFT JOIN LATERAL (
            SELECT s.id, s.code FROM residents_residentstatus s
            WHERE s.resident_id = w.resident_id AND s.kind = 'tax' AND s.fiscal_year = %(fy)s
            ORDER BY s.recorded_at DESC, s.id DESC
            LIMIT 1
        ) s ON true
        WHERE NOT EXISTS (SELECT 1 FROM {RESULT_TABLE} x WHERE x.resident_id = w.resident_id)
        RETURNING resident_id
        """,  # noqa: S608 - table names are module constants
        params,
    )
    read_ids = "{" + ",".join(str(row[0]) for row in cursor.fetchall()) + "}"
    cursor.execute("SELECT id, atena_no, name FROM residents_resident WHERE id = ANY(%s::bigint[])", [read_ids])
    people = cursor.fetchall()
    info = {"fiscal_year": fiscal_year, "reference_date": reference_date.isoformat(), "vaccine": vaccine}
    info.update(detail or {})
    # one full record per person for a decision made on the screen; a batch writes them in bulk
    if origin.channel == "web" and len(people) <= 50:
        for pk, atena_no, name in people:
            access_record(
                event=Event.VIEW,
                actor=actor,
                origin=origin,
                subject=Subject(atena_no, Resident(pk=pk, atena_no=atena_no, name=name)),
                purpose=purposes.TAX_READ,
                detail=info,
            )
    elif people:
        access_record_bulk(
            event=Event.VIEW,
            actor=actor,
            # the 宛番号 names the person; no model object per row (110,000-person runs)
            subjects=(Subject(a) for _pk, a, _n in people),
            purpose=purposes.TAX_READ,
            detail=info,
            origin=origin,
            batch_size=5000,
        )
    return len(people)


def decisions_with_changed_inputs(*, fiscal_year: int) -> list[tuple[int, str]]:
    """(resident_id, vaccine) of current automatic decisions whose inputs changed after they were made.

    Looks only at when status rows were recorded (never at their values): a tax, welfare or support
    row of anyone in the household, a consent change, or a change of the register entry (a move
    between households updates it).
    """
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT d.resident_id, d.vaccine
            FROM billing_copaymentdecision d JOIN residents_resident r ON r.id = d.resident_id
            WHERE d.superseded_at IS NULL AND d.method = 'auto' AND d.fiscal_year = %(fy)s
              AND (
                EXISTS (
                  SELECT 1 FROM residents_resident m
                  WHERE m.household_id = r.household_id AND m.updated_at > d.decided_at)
                OR EXISTS (
                  SELECT 1 FROM residents_resident m JOIN residents_residentstatus s ON s.resident_id = m.id
                  WHERE m.household_id = r.household_id
                    AND s.kind IN ('tax', 'welfare', 'china_support') AND s.recorded_at > d.decided_at)
                OR EXISTS (
                  SELECT 1 FROM residents_resident m JOIN billing_consent c ON c.resident_id = m.id
                  WHERE m.household_id = r.household_id AND c.changed_at > d.decided_at)
              )
            """,
            {"fy": fiscal_year},
        )
        return [(rid, v) for rid, v in cur.fetchall()]
