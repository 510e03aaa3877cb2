"""Importing the monthly punch file and reconciling it (突合) with the records held.

The whole file is checked first (immunization.punch); one bad line and nothing is stored. A good file is
COPYed into PunchLine, then classified by a handful of set-based UPDATEs in a fixed order (the first
category that applies wins): unknown voucher or resident, voided voucher, exact duplicate, conflict,
not resident on that day, not eligible (age/interval, by the schedule rules), and finally new. New lines
become verified records in one INSERT … SELECT: the contractor's file is itself punched and verified
(パンチ・ベリファイ, see the format document) and the importing 照合担当 is the second pair of eyes.
Every other line waits in the worklist until staff accept, correct or reject it with a reason.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from audit.models import Event
from audit.services import Subject, access_record
from core.origin import Origin
from core.refusals import Outcome, record_refusal

from .. import doses, eligibility, punch
from ..keyed import KEYED_FIELDS, Masters, check_values
from ..models import PunchImport, PunchLine, Voucher

LINE_COLUMNS = (
    "punch_import_id",
    "line_no",
    "voucher_no",
    "atena_no",
    "dose_code",
    "vaccinated_on",
    "institution_code",
    "doctor_code",
    "manufacturer_code",
    "lot_no",
    "dose_volume_ml",
    "copayment_amount",
    "category",
    "detail",
    "resolution",
    "resolution_reason",
    "resident_id",
    "voucher_id",
)

# Every classifying statement works on the import's still-unclassified lines, optionally only some of them.
_SCOPE = "p.punch_import_id = %(imp)s AND p.category = '' AND (%(lines)s::bigint[] IS NULL OR p.id = ANY(%(lines)s))"

_CLASSIFY_SQL = [
    # resolve numbers to rows
    """UPDATE immunization_punchline p SET voucher_id = v.id
        FROM immunization_voucher v WHERE <SCOPE> AND v.number = p.voucher_no""",
    """UPDATE immunization_punchline p SET resident_id = r.id
        FROM residents_resident r WHERE <SCOPE> AND r.atena_no = p.atena_no""",
    # unknown voucher or resident, or a voucher that is not this person's / this dose's
    """UPDATE immunization_punchline p SET category = 'unknown', detail = CASE
            WHEN p.resident_id IS NULL AND p.voucher_id IS NULL THEN '接種券番号・宛番号とも登録がありません'
            WHEN p.resident_id IS NULL THEN '宛番号の住民が登録されていません'
            WHEN p.voucher_id IS NULL THEN '接種券番号が発行されていません'
            WHEN x.v_res <> p.resident_id THEN '接種券の対象者と宛番号が一致しません'
            ELSE '接種券の接種コード(' || x.v_dose || ')と一致しません' END
        FROM (SELECT p.id, v.resident_id AS v_res, v.dose_code AS v_dose
              FROM immunization_punchline p LEFT JOIN immunization_voucher v ON v.id = p.voucher_id
              WHERE <SCOPE>) x
        WHERE x.id = p.id AND (p.resident_id IS NULL OR p.voucher_id IS NULL
                               OR x.v_res <> p.resident_id OR x.v_dose <> p.dose_code)""",
    """UPDATE immunization_punchline p SET category = 'voided',
            detail = '無効になった接種券です(' || to_char(v.voided_on, 'YYYY-MM-DD') || ' ' || v.void_reason
                     || COALESCE('、再発行 ' || n.number, '') || ')'
        FROM immunization_voucher v LEFT JOIN immunization_voucher n ON n.replaces_id = v.id
        WHERE <SCOPE> AND v.id = p.voucher_id AND v.status = 'voided'""",
    # the same dose already held with the same day, lot and institution (LATERAL: one index probe per line)
    """UPDATE immunization_punchline p SET category = 'duplicate', resolution = 'auto',
            existing_record_id = x.rid, detail = '同一の接種記録があります(記録番号 ' || x.rid || ')'
        FROM (SELECT p.id AS pid, m.rid
              FROM immunization_punchline p
              CROSS JOIN LATERAL (
                  SELECT vr.id AS rid FROM immunization_vaccinationrecord vr
                  JOIN immunization_institution i ON i.id = vr.institution_id
                  WHERE vr.resident_id = p.resident_id AND vr.dose_code = p.dose_code
                    AND vr.vaccinated_on = p.vaccinated_on AND vr.lot_no = p.lot_no AND vr.status <> 'rejected'
                    AND i.code = p.institution_code
                  ORDER BY vr.id LIMIT 1) m
              WHERE <SCOPE>) x
        WHERE p.id = x.pid""",
    # the same dose (or the same voucher) held with other details
    """UPDATE immunization_punchline p SET category = 'conflict', existing_record_id = x.rid,
            detail = '既存の記録と異なります(既存: 接種日 ' || COALESCE(to_char(x.d, 'YYYY-MM-DD'), '不明')
                     || '、ロット ' || COALESCE(NULLIF(x.lot, ''), '不明') || '、記録番号 ' || x.rid || ')'
        FROM (SELECT p.id AS pid, m.rid, m.d, m.lot
              FROM immunization_punchline p
              CROSS JOIN LATERAL (
                  SELECT vr.id AS rid, vr.vaccinated_on AS d, vr.lot_no AS lot
                  FROM immunization_vaccinationrecord vr
                  WHERE vr.resident_id = p.resident_id AND vr.status <> 'rejected'
                    AND (vr.voucher_id = p.voucher_id
                         OR (vr.dose_code = p.dose_code AND NOT p.dose_code = ANY(%(repeatable)s)
                             AND (NOT p.dose_code = ANY(%(yearly)s)
                                  OR date_part('year', vr.vaccinated_on - interval '3 months')
                                     = date_part('year', p.vaccinated_on - interval '3 months'))))
                  ORDER BY vr.id LIMIT 1) m
              WHERE <SCOPE>) x
        WHERE p.id = x.pid""",
    # two lines of the same file for the same dose: the later one is the conflict (a window, not a self-join)
    """UPDATE immunization_punchline p SET category = 'conflict',
            detail = '同じファイルの' || x.first_line || '行目と同じ接種です'
        FROM (SELECT q.id, first_value(q.line_no) OVER w AS first_line, row_number() OVER w AS rn
              FROM immunization_punchline q
              WHERE q.punch_import_id = %(imp)s AND q.category IN ('', 'new') AND q.resident_id IS NOT NULL
                AND NOT q.dose_code = ANY(%(repeatable)s)
              WINDOW w AS (PARTITION BY q.resident_id, q.dose_code,
                           CASE WHEN q.dose_code = ANY(%(yearly)s)
                                THEN date_part('year', q.vaccinated_on - interval '3 months') END
                           ORDER BY q.line_no)) x
        WHERE <SCOPE> AND p.id = x.id AND x.rn > 1""",
    # not a resident on the day (moved in later, moved out or died before)
    """UPDATE immunization_punchline p SET category = 'not_resident', detail = CASE
            WHEN r.became_resident_on > p.vaccinated_on
              THEN '接種日に住民ではありません(住民となった日 ' || to_char(r.became_resident_on, 'YYYY-MM-DD') || ')'
            ELSE '接種日に住民ではありません(' || COALESCE(NULLIF(r.ceased_reason, ''), '消除') || ' '
                 || to_char(r.ceased_on, 'YYYY-MM-DD') || ')' END
        FROM residents_resident r
        WHERE <SCOPE> AND r.id = p.resident_id
          AND (r.became_resident_on > p.vaccinated_on
               OR (r.ceased_on IS NOT NULL AND p.vaccinated_on > r.ceased_on))""",
]


def _scoped(sql: str) -> str:
    return sql.replace("<SCOPE>", _SCOPE)


_CLASSIFY = [_scoped(q) for q in _CLASSIFY_SQL]
_MARK_NEW = _scoped("UPDATE immunization_punchline p SET category = 'new', resolution = 'auto' WHERE <SCOPE>")
_CANDIDATES = _scoped(
    """SELECT p.id, p.resident_id, p.dose_code, p.vaccinated_on, r.birth_date, r.sex
       FROM immunization_punchline p JOIN residents_resident r ON r.id = p.resident_id
       WHERE <SCOPE> ORDER BY p.resident_id, p.vaccinated_on, p.line_no"""
)

_INSERT_RECORDS = """
INSERT INTO immunization_vaccinationrecord (
    resident_id, dose_code, vaccinated_on, date_unknown, dose_volume_ml, manufacturer_id, lot_id, lot_no,
    institution_id, doctor_id, doctor_name, venue_name, outside_city, high_risk, administrative_measure,
    dpt_class, bcg_class, claim_on, copayment_class, collection_class, copayment_amount, remarks,
    source, voucher_id, punch_line_id, status, keyed_at, verified_by_id, verified_at, rejected_reason,
    problems, rules_checked)
SELECT p.resident_id, p.dose_code, p.vaccinated_on, false, p.dose_volume_ml, m.id, l.id, p.lot_no,
    i.id, d.id, '', '', NOT i.in_city, false, false,
    '', '', %(today)s, COALESCE(v.copayment_class, ''), CASE WHEN p.copayment_amount > 0 THEN '徴収' ELSE '' END,
    p.copayment_amount, %(remarks)s,
    'voucher',
    CASE WHEN v.resident_id = p.resident_id AND v.dose_code = p.dose_code AND v.status <> 'voided'
         THEN p.voucher_id END,
    p.id, 'verified', %(now)s, %(actor)s,
    %(now)s, '', CASE WHEN %(flag)s THEN jsonb_build_array(p.detail) ELSE '[]'::jsonb END, %(checked)s
FROM immunization_punchline p
JOIN immunization_institution i ON i.code = p.institution_code
JOIN immunization_manufacturer m ON m.code = p.manufacturer_code
LEFT JOIN immunization_vaccinelot l ON l.manufacturer_id = m.id AND l.lot_no = p.lot_no
LEFT JOIN immunization_doctor d ON d.code = p.doctor_code
LEFT JOIN immunization_voucher v ON v.id = p.voucher_id
WHERE p.punch_import_id = %(imp)s AND <WHICH>
"""

_USE_VOUCHERS = """
UPDATE immunization_voucher v SET status = 'used', used_on = p.vaccinated_on
FROM immunization_punchline p
WHERE p.punch_import_id = %(imp)s AND <WHICH> AND v.id = p.voucher_id
  AND v.resident_id = p.resident_id AND v.status = 'issued'
"""


def _params(imp_id: int, lines: list[int] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "imp": imp_id,
        "lines": lines,
        # a second yearly dose in the same fiscal year conflicts, one in another does not
        "yearly": sorted(doses.yearly_codes()),
        "repeatable": sorted(doses.repeatable_codes()),
        **extra,
    }


def _classify(
    cur: Any, imp_id: int, lines: list[int] | None = None, *, resolved: bool = False, judged: Any = None
) -> None:
    """Classify the unclassified lines; `resolved`: resident_id and voucher_id were filled at COPY time;
    `judged`: a `_Judging` already running over the whole file (see punch_import)."""
    params = _params(imp_id, lines)
    for sql in _CLASSIFY[2:] if resolved else _CLASSIFY:
        cur.execute(sql, params)
    if judged is not None:
        judged.apply(cur, imp_id)
    else:
        _classify_eligibility(cur, imp_id, lines)
    cur.execute(_MARK_NEW, params)


# (key, resident_id, dose_code, vaccinated_on, birth_date, sex), sorted by resident, date, line
Candidate = tuple[int, int, str, Any, Any, str]


def _history(cur: Any, resident_ids: list[int]) -> dict[int, list[Any]]:
    cur.execute(
        """SELECT resident_id, dose_code, vaccinated_on FROM immunization_vaccinationrecord
           WHERE status = 'verified' AND resident_id = ANY(%s)
           ORDER BY resident_id, vaccinated_on NULLS FIRST""",
        [resident_ids],
    )
    history: dict[int, list[Any]] = defaultdict(list)
    for resident_id, code, on in cur.fetchall():
        history[resident_id].append(eligibility.past_dose(code, on))
    return history


def _judge(candidates: list[Candidate], history: dict[int, list[Any]]) -> dict[int, str]:
    """Pure Python: each candidate judged with the verified history plus the earlier accepted doses of the
    same file. Returns {key: detail} for the doses the rules reject. Never touches the database."""
    found: dict[int, str] = {}
    pasts: dict[int, list[Any]] = {}
    for key, resident_id, code, on, birth, sex in candidates:
        past = pasts.get(resident_id)
        if past is None:
            past = pasts[resident_id] = list(history.get(resident_id, ()))
        problems = eligibility.problems_with_past(birth_date=birth, sex=sex, past=past, code=code, given_on=on)
        if problems:
            found[key] = ("対象外: " + " / ".join(problems))[:300]
        else:
            past.append(eligibility.past_dose(code, on))
    return found


class _Judging:
    """The rules' verdict on every line of a file, computed in a thread while PostgreSQL classifies.

    The thread only runs Python (history read before it starts), so it needs no connection of its own.
    Lines the SQL then puts in another category drop out; a resident whose lines changed that way is judged
    again with the remaining lines only, so the result equals the sequential one.
    """

    def __init__(self, candidates: list[Candidate], history: dict[int, list[Any]]) -> None:
        self.candidates = candidates
        self.history = history
        self.result: dict[int, str] = {}
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="punch-eligibility", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = _judge(self.candidates, self.history)
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc

    def apply(self, cur: Any, imp_id: int) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error
        cur.execute("SELECT line_no FROM immunization_punchline WHERE punch_import_id = %s AND category = ''", [imp_id])
        remaining = {r[0] for r in cur.fetchall()}
        changed = {c[1] for c in self.candidates if c[0] not in remaining}
        result = {k: v for k, v in self.result.items() if k in remaining}
        if changed:
            again = [c for c in self.candidates if c[1] in changed and c[0] in remaining]
            for key in [k for k in result if any(c[0] == k and c[1] in changed for c in again)]:
                del result[key]
            result.update(_judge(again, self.history))
        if result:
            cur.execute(
                """UPDATE immunization_punchline p SET category = 'not_eligible', detail = x.d
                   FROM unnest(%s::int[], %s::text[]) AS x(n, d)
                   WHERE p.punch_import_id = %s AND p.line_no = x.n""",
                [list(result), list(result.values()), imp_id],
            )


def _classify_eligibility(cur: Any, imp_id: int, lines: list[int] | None) -> None:
    """Ask the schedule rules about each remaining line (used when re-reconciling corrected lines)."""
    cur.execute(_CANDIDATES, _params(imp_id, lines))
    candidates = cur.fetchall()
    if not candidates:
        return
    found = _judge(candidates, _history(cur, list({c[1] for c in candidates})))
    if found:
        cur.execute(
            """UPDATE immunization_punchline p SET category = 'not_eligible', detail = x.d
               FROM unnest(%s::bigint[], %s::text[]) AS x(id, d) WHERE p.id = x.id""",
            [list(found), list(found.values())],
        )


def _create_records(
    cur: Any, imp_id: int, line_ids: list[int] | None, *, actor_id: int, flag: bool, remarks: str = ""
) -> int:
    """Verified records for the given lines, or (line_ids None) for every line classified new.

    The whole-import case filters by category: `id = ANY(<27,000 ids>)` would be a linear scan per row.
    """
    which = "p.category = 'new'" if line_ids is None else "p.id = ANY(%(lines)s)"
    now = timezone.now()
    params = _params(
        imp_id,
        line_ids,
        actor=actor_id,
        now=now,
        today=timezone.localdate(),
        flag=flag,
        checked=True,
        remarks=remarks[:300],
    )
    cur.execute(_INSERT_RECORDS.replace("<WHICH>", which), params)
    created = cur.rowcount
    cur.execute(_USE_VOUCHERS.replace("<WHICH>", which), params)
    return created


def import_counts(imp_id: int) -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute(
            """SELECT category, count(*), count(*) FILTER (WHERE resolution = 'open')
               FROM immunization_punchline WHERE punch_import_id = %s GROUP BY category""",
            [imp_id],
        )
        rows = cur.fetchall()
    counts: dict[str, int] = dict.fromkeys(PunchLine.Category.values, 0)
    open_total = 0
    for category, n, n_open in rows:
        counts[category] = n
        open_total += n_open
    counts["open"] = open_total
    return counts


def punch_import(*, data: bytes, file_name: str, actor: Any, origin: Origin) -> PunchImport:
    """Validate, store and reconcile one punch file. A refused file is kept as a 'rejected' attempt with its
    line-numbered errors (and the refusal recorded); nothing of its content is stored."""
    started = time.perf_counter()
    digest = hashlib.sha256(data).hexdigest()
    name = (file_name or "punch.csv")[:200]
    already = PunchImport.objects.filter(sha256=digest).exclude(status=PunchImport.Status.REJECTED).first()
    if already is not None:
        return _reject_file(
            name,
            digest,
            data,
            [f"同じファイルは既に取り込まれています(取込番号 {already.pk}、{already.uploaded_at:%Y-%m-%d %H:%M})。"],
            started=started,
            lines=0,
            actor=actor,
            origin=origin,
        )
    parsed = punch.parse(data, masters=Masters.load(), today=timezone.localdate())
    if not parsed.ok:
        errors = parsed.errors
        if parsed.total_errors > len(errors):
            errors = [*errors, f"ほか {parsed.total_errors - len(errors):,} 件のエラーがあります。"]
        return _reject_file(
            name, digest, data, errors, started=started, lines=len(parsed.lines), actor=actor, origin=origin
        )

    # resolve the numbers in one query each, so the COPY writes finished rows (no UPDATE pass over 30,000)
    vouchers = dict(
        Voucher.objects.filter(number__in=[c.voucher_no for _n, c in parsed.lines]).values_list("number", "id")
    )
    with transaction.atomic(durable=True):
        imp = PunchImport.objects.create(
            file_name=name,
            sha256=digest,
            size=len(data),
            status=PunchImport.Status.RECONCILED,
            line_count=len(parsed.lines),
            uploaded_by=actor,
        )
        with connection.cursor() as cur:
            resident_ids = parsed.resident_ids
            with cur.copy(f"COPY immunization_punchline ({', '.join(LINE_COLUMNS)}) FROM STDIN") as copy:
                for line_no, c in parsed.lines:
                    copy.write_row(
                        (
                            imp.pk,
                            line_no,
                            c.voucher_no,
                            c.atena_no,
                            c.dose_code,
                            c.vaccinated_on,
                            c.raw["institution_code"],
                            c.raw["doctor_code"],
                            c.raw["manufacturer_code"],
                            c.lot_no,
                            c.dose_volume_ml,
                            c.copayment_amount or 0,
                            "",
                            "",
                            "open",
                            "",
                            resident_ids.get(c.atena_no),
                            vouchers.get(c.voucher_no),
                        )
                    )
            people = parsed.people
            candidates = sorted(
                (
                    (
                        n,
                        people[c.atena_no][0],
                        c.dose_code,
                        c.vaccinated_on,
                        people[c.atena_no][1],
                        people[c.atena_no][2],
                    )
                    for n, c in parsed.lines
                    if c.atena_no in people
                ),
                key=lambda t: (t[1], t[3], t[0]),
            )
            judging = _Judging(candidates, _history(cur, sorted({c[1] for c in candidates})))
            cur.execute("ANALYZE immunization_punchline")  # fresh statistics for the joins below
            _classify(cur, imp.pk, resolved=True, judged=judging)
            _create_records(cur, imp.pk, None, actor_id=actor.pk, flag=False)
        imp.counts = import_counts(imp.pk)
        if imp.counts["open"] == 0:
            imp.status = PunchImport.Status.CLOSED
        imp.duration_ms = int((time.perf_counter() - started) * 1000)
        imp.save(update_fields=["counts", "status", "duration_ms"])
        access_record(
            event=Event.IMPORT,
            actor=actor,
            origin=origin,
            subject=Subject("", imp),
            purpose="返戻接種券パンチデータの取込・突合",
            detail={"import": imp.pk, "file": name, "sha256": digest, "lines": imp.line_count, "counts": imp.counts},
        )
    return imp


def _reject_file(
    name: str,
    digest: str,
    data: bytes,
    errors: list[str],
    *,
    started: float,
    lines: int,
    actor: Any,
    origin: Origin,
) -> PunchImport:
    """Keep the refused attempt (its errors, none of its content) and record the refusal."""
    imp = PunchImport.objects.create(
        file_name=name,
        sha256=digest,
        size=len(data),
        status=PunchImport.Status.REJECTED,
        line_count=lines,
        errors=errors,
        uploaded_by=actor,
        duration_ms=int((time.perf_counter() - started) * 1000),
    )
    detail: dict[str, Any] = {"import": imp.pk, "file": name, "sha256": digest}
    record_refusal(
        actor=actor,
        action="punch_import",
        outcome=Outcome.INVALID,
        origin=origin,
        obj=imp,
        purpose="返戻接種券パンチデータの取込(エラーのため取込不可)",
        errors=errors[:20],
        **detail,
    )
    return imp


ACCEPTABLE = {
    PunchLine.Category.CONFLICT,
    PunchLine.Category.UNKNOWN,
    PunchLine.Category.VOIDED,
    PunchLine.Category.NOT_ELIGIBLE,
    PunchLine.Category.NOT_RESIDENT,
}


def punch_line_resolve(
    *,
    line: PunchLine,
    actor: Any,
    origin: Origin,
    action: str,
    reason: str,
    corrections: dict[str, str] | None = None,
) -> PunchLine:
    """Work one exception: accept (store the dose as the file says, flagged with why it was an exception;
    for a conflict the file's version replaces the record held), correct (fix fields and reconcile the line
    again), or reject (store nothing). A reason is always required and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "処理の理由を入力してください。"})
    with transaction.atomic(durable=True):
        current = PunchLine.objects.select_for_update().select_related("punch_import").get(pk=line.pk)
        if current.resolution != PunchLine.Resolution.OPEN:
            raise ValidationError("この行は処理済みです。")
        imp_id = current.punch_import_id
        with connection.cursor() as cur:
            if action == "reject":
                current.resolution = PunchLine.Resolution.REJECTED
            elif action == "accept":
                if current.category not in ACCEPTABLE:
                    raise ValidationError("この区分の行は採用できません。")
                if current.resident_id is None:
                    raise ValidationError("宛番号の住民が特定できないため採用できません。訂正してください。")
                if current.category == PunchLine.Category.CONFLICT and current.existing_record_id:
                    cur.execute(
                        """UPDATE immunization_vaccinationrecord SET status = 'rejected', rejected_reason = %s
                           WHERE id = %s""",
                        [
                            f"パンチデータ(取込{imp_id} {current.line_no}行目)で置き換え: {reason}"[:300],
                            current.existing_record_id,
                        ],
                    )
                _create_records(
                    cur, imp_id, [current.pk], actor_id=actor.pk, flag=True, remarks=f"突合例外を採用: {reason}"
                )
                current.resolution = PunchLine.Resolution.ACCEPTED
            elif action == "correct":
                _correct(current, corrections or {})
                cur.execute(
                    """UPDATE immunization_punchline SET category = '', detail = '', voucher_id = NULL,
                       resident_id = NULL, existing_record_id = NULL WHERE id = %s""",
                    [current.pk],
                )
                _classify(cur, imp_id, [current.pk])
                current.refresh_from_db()
                if current.category == PunchLine.Category.NEW:
                    _create_records(
                        cur, imp_id, [current.pk], actor_id=actor.pk, flag=False, remarks=f"訂正: {reason}"
                    )
                    current.resolution = PunchLine.Resolution.CORRECTED
                else:
                    current.resolution = PunchLine.Resolution.OPEN
            else:
                raise ValidationError("処理の種類が正しくありません。")
        current.resolved_by = actor if current.resolution != PunchLine.Resolution.OPEN else None
        current.resolved_at = timezone.now() if current.resolved_by else None
        current.resolution_reason = reason[:300]
        current.save(update_fields=["resolution", "resolved_by", "resolved_at", "resolution_reason"])
        imp = current.punch_import
        imp.counts = import_counts(imp_id)
        imp.status = PunchImport.Status.CLOSED if imp.counts["open"] == 0 else PunchImport.Status.RECONCILED
        imp.save(update_fields=["counts", "status"])
        access_record(
            event=Event.UPDATE,
            actor=actor,
            origin=origin,
            subject=Subject(current.atena_no, current),
            purpose="突合例外の処理",
            detail={"import": imp_id, "line": current.line_no, "action": action, "reason": reason[:200]},
        )
    return current


def _correct(line: PunchLine, corrections: dict[str, str]) -> None:
    raw = {
        "voucher_no": line.voucher_no,
        "atena_no": line.atena_no,
        "dose_code": line.dose_code,
        "vaccinated_on": line.vaccinated_on.strftime("%Y%m%d"),
        "institution_code": line.institution_code,
        "doctor_code": line.doctor_code,
        "manufacturer_code": line.manufacturer_code,
        "lot_no": line.lot_no,
        "dose_volume_ml": str(line.dose_volume_ml),
        "copayment_amount": str(line.copayment_amount),
    } | {k: v for k, v in corrections.items() if k in dict(KEYED_FIELDS)}
    checked = check_values(raw, masters=Masters.load(), today=timezone.localdate(), strict_dates=True)
    if checked.errors:
        raise ValidationError(checked.errors)
    # strict (not relaxed) checking without errors: the date and the volume were both read
    assert checked.vaccinated_on is not None
    assert checked.dose_volume_ml is not None
    line.voucher_no = checked.voucher_no
    line.atena_no = checked.atena_no
    line.dose_code = checked.dose_code
    line.vaccinated_on = checked.vaccinated_on
    line.institution_code = checked.raw["institution_code"]
    line.doctor_code = checked.raw["doctor_code"]
    line.manufacturer_code = checked.raw["manufacturer_code"]
    line.lot_no = checked.lot_no
    line.dose_volume_ml = checked.dose_volume_ml
    line.copayment_amount = checked.copayment_amount or 0
    line.save()
