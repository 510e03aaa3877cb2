"""住民記録 異動連携 (docs/formats/registry.md): change events from the registry, checked as a whole,
then applied in sequence order in one transaction.

- Idempotent: an event id already applied with the same content changes nothing (a replayed file or
  message is harmless); the same id with other content is a duplicate message and rejects the file.
- Ordered: events apply in `seq` order; an event older than the newest one applied for that person
  is reported in the run's notes and not applied.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from core.origin import Origin
from residents import registry
from residents.models import Resident

from .envelope import LineError, parse_date
from .models import AppliedEvent, FeedRun, RegistryCursor

FORMAT = "JUKI_IDO"

EVENT_TYPES = {
    "10": "出生",
    "11": "転入",
    "20": "転出",
    "21": "死亡",
    "22": "職権消除",
    "30": "転居",
    "31": "氏名変更",
    "32": "世帯変更",
    "33": "続柄変更",
    "40": "職権修正",
}
PERSON_FIELDS = (
    "resident_type",
    "name",
    "name_kana",
    "alias_name",
    "alias_kana",
    "alpha_name",
    "sex",
    "birth_date",
    "relation1",
    "relation2",
    "relation3",
    "postal_code",
    "address",
    "katagaki",
    "town_code",
    "block_code",
    "school_district",
    "prev_address",
    "next_address",
)
COLUMNS = ("event_id", "seq", "event_type", "event_date", "atena_no", *PERSON_FIELDS, "household_no", "head_name")
REQUIRED = COLUMNS
NEW_PERSON_REQUIRED = ("name", "name_kana", "sex", "birth_date", "household_no", "address")
ADDRESS_FIELDS = ("postal_code", "address", "katagaki", "town_code", "block_code")
RELATION_FIELDS = ("relation1", "relation2", "relation3")
LIMITS = {"name": 100, "name_kana": 100, "alias_name": 100, "alias_kana": 100, "alpha_name": 100, "address": 200}


@dataclass
class Change:
    line: int
    event_id: str
    seq: int
    event_type: str
    event_date: datetime.date
    atena_no: str
    values: dict[str, Any]
    content_sha256: str
    action: str = ""  # apply | unchanged | stale


@dataclass
class Result:
    records: int = 0
    applied: int = 0
    unchanged: int = 0
    stale: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)


def _check_row(line: int, row: dict[str, str], errors: list[LineError]) -> Change | None:
    bad = len(errors)

    def err(msg: str) -> None:
        errors.append(LineError(line, msg))

    event_type = row["event_type"]
    if event_type not in EVENT_TYPES:
        err(f"異動事由コード {event_type!r} は定義されていません。")
    if not row["event_id"] or len(row["event_id"]) > 40:
        err("異動ID(event_id)がないか、40文字を超えています。")
    if not row["seq"].isdigit():
        err(f"連携通番(seq) {row['seq']!r} が数字ではありません。")
    if not row["atena_no"].isdigit() or len(row["atena_no"]) > 15:
        err(f"宛番号 {row['atena_no']!r} が15桁以内の数字ではありません。")
    try:
        event_date = parse_date(row["event_date"])
    except ValueError:
        err(f"異動日 {row['event_date']!r} が日付(YYYYMMDD)ではありません。")
        event_date = datetime.date.min
    values: dict[str, Any] = {}
    for name in (*PERSON_FIELDS, "household_no", "head_name"):
        text = row[name]
        if name in LIMITS and len(text) > LIMITS[name]:
            err(f"{name} が{LIMITS[name]}文字を超えています。")
        values[name] = text
    if row["sex"] and row["sex"] not in Resident.Sex.values:
        err(f"性別コード {row['sex']!r} は定義されていません(1 男、2 女)。")
    if row["resident_type"] and row["resident_type"] not in Resident.Type.values:
        err(f"住民種別コード {row['resident_type']!r} は定義されていません(1、2、9)。")
    if row["postal_code"] and not (row["postal_code"].isdigit() and len(row["postal_code"]) == 7):
        err(f"郵便番号 {row['postal_code']!r} が7桁の数字ではありません。")
    if row["birth_date"]:
        try:
            values["birth_date"] = parse_date(row["birth_date"])
        except ValueError:
            err(f"生年月日 {row['birth_date']!r} が日付(YYYYMMDD)ではありません。")
    if event_type in ("10", "11"):
        missing = [n for n in NEW_PERSON_REQUIRED if not row[n]]
        if missing:
            err(f"{EVENT_TYPES[event_type]}には次の項目が必要です: {', '.join(missing)}")
    elif event_type == "30" and not row["address"]:
        err("転居には住所(address)が必要です。")
    elif event_type == "31" and not (row["name"] and row["name_kana"]):
        err("氏名変更には氏名(name)と氏名カナ(name_kana)が必要です。")
    elif event_type == "32" and not row["household_no"]:
        err("世帯変更には世帯番号(household_no)が必要です。")
    if len(errors) > bad:
        return None
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False).encode()
    return Change(
        line=line,
        event_id=row["event_id"],
        seq=int(row["seq"]),
        event_type=event_type,
        event_date=event_date,
        atena_no=row["atena_no"],
        values=values,
        content_sha256=hashlib.sha256(canonical).hexdigest(),
    )


def plan(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[Change], list[LineError]]:
    """Check every event against the register as it will be when the earlier ones are applied."""
    errors: list[LineError] = []
    changes = [c for line, row in rows if (c := _check_row(line, row, errors)) is not None]
    if errors:
        return [], errors
    first_line: dict[str, int] = {}
    for c in changes:
        if c.event_id in first_line:
            errors.append(
                LineError(c.line, f"異動ID {c.event_id} が重複しています({first_line[c.event_id]}行目と同じ)。")
            )
        else:
            first_line[c.event_id] = c.line
    if errors:
        return [], errors

    atenas = {c.atena_no for c in changes}
    people = {r.atena_no: r for r in Resident.objects.filter(atena_no__in=atenas)}
    seen = {e.event_id: e for e in AppliedEvent.objects.filter(event_id__in=first_line)}
    cursors = dict(RegistryCursor.objects.filter(atena_no__in=atenas).values_list("atena_no", "last_seq"))
    # What the register will look like while the file is applied, event by event.
    state: dict[str, tuple[str, datetime.date | None]] = {a: (r.status, r.birth_date) for a, r in people.items()}

    for c in sorted(changes, key=lambda c: (c.seq, c.line)):
        done = seen.get(c.event_id)
        if done is not None:
            if done.content_sha256 != c.content_sha256:
                errors.append(LineError(c.line, f"異動ID {c.event_id} は別の内容で取込済みです(重複した電文)。"))
            c.action = "unchanged"
            continue
        held = cursors.get(c.atena_no)
        if held is not None and c.seq <= held:
            c.action = "stale"
            continue
        label = EVENT_TYPES[c.event_type]
        current = state.get(c.atena_no)
        if c.event_type == "10" and current is not None:
            errors.append(LineError(c.line, f"出生: 宛番号 {c.atena_no} は既に住民記録にあります。"))
            continue
        if c.event_type == "11" and current is not None and current[0] == Resident.Status.RESIDENT:
            errors.append(LineError(c.line, f"転入: 宛番号 {c.atena_no} は既に住民です。"))
            continue
        if c.event_type not in ("10", "11") and current is None:
            errors.append(LineError(c.line, f"{label}: 宛番号 {c.atena_no} の住民が住民記録にありません。"))
            continue
        held_status, held_birth = current if current is not None else ("", None)  # "": a new person
        birth = c.values["birth_date"] if c.values["birth_date"] else held_birth
        if c.event_type in ("20", "21", "22") and held_status != Resident.Status.RESIDENT:
            errors.append(
                LineError(
                    c.line, f"{label}: 宛番号 {c.atena_no} は住民ではありません({Resident.Status(held_status).label})。"
                )
            )
            continue
        if birth and c.event_date < birth:
            what = "死亡日" if c.event_type == "21" else "異動日"
            errors.append(
                LineError(c.line, f"{label}: {what} {c.event_date:%Y-%m-%d} が生年月日 {birth:%Y-%m-%d} より前です。")
            )
            continue
        if birth and birth > timezone.localdate():
            errors.append(LineError(c.line, f"生年月日 {birth:%Y-%m-%d} が未来の日付です。"))
            continue
        status = {"20": Resident.Status.MOVED_OUT, "21": Resident.Status.DECEASED, "22": Resident.Status.DELETED}.get(
            c.event_type, Resident.Status.RESIDENT if c.event_type in ("10", "11") else held_status
        )
        state[c.atena_no] = (status, birth)
        cursors[c.atena_no] = c.seq
        c.action = "apply"
    return (sorted(changes, key=lambda c: (c.seq, c.line)) if not errors else []), errors


def _given(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {n: values[n] for n in names if values[n] not in ("", None)}


def apply(changes: list[Change], *, run: FeedRun, actor: Any) -> Result:
    """Apply a checked plan (inside the caller's transaction), set-based through RegisterBatch."""
    result = Result(records=len(changes))
    atenas = {c.atena_no for c in changes if c.action == "apply"}
    batch = registry.RegisterBatch(
        {r.atena_no: r for r in Resident.objects.select_related("household").filter(atena_no__in=atenas)}
    )
    events: list[AppliedEvent] = []
    cursor: dict[str, int] = {}
    for c in changes:
        if c.action == "unchanged":
            result.unchanged += 1
            continue
        if c.action == "stale":
            result.stale += 1
            result.notes.append(
                {
                    "line": c.line,
                    "message": f"異動ID {c.event_id}(連携通番 {c.seq})は適用済みの異動より古いため反映しませんでした"
                    f"(宛番号 {c.atena_no}、{EVENT_TYPES[c.event_type]})。",
                }
            )
            events.append(_event(c, run, AppliedEvent.Outcome.STALE))
            continue
        v, t, a = c.values, c.event_type, c.atena_no
        if t in ("10", "11"):
            batch.register(
                atena_no=a,
                household_no=v["household_no"],
                head_name=v["head_name"],
                fields=_given(v, PERSON_FIELDS),
                became_resident_on=c.event_date,
                reason=EVENT_TYPES[t],
            )
        elif t == "20":
            batch.cease(
                a, status=Resident.Status.MOVED_OUT, on=c.event_date, reason="転出", next_address=v["next_address"]
            )
        elif t == "21":
            batch.cease(a, status=Resident.Status.DECEASED, on=c.event_date, reason="死亡")
        elif t == "22":
            batch.cease(a, status=Resident.Status.DELETED, on=c.event_date, reason="職権消除")
        elif t == "30":
            batch.change_address(a, {n: v[n] for n in ADDRESS_FIELDS})
        elif t == "31":
            batch.change(a, _given(v, ("name", "name_kana", "alias_name", "alias_kana", "alpha_name")))
        elif t == "32":
            batch.change_household(a, v["household_no"], v["head_name"], _given(v, RELATION_FIELDS))
        elif t == "33":
            batch.change(a, {n: v[n] for n in RELATION_FIELDS})
        elif t == "40":
            batch.change(a, _given(v, PERSON_FIELDS))
            if v["household_no"]:
                batch.change_household(a, v["household_no"], v["head_name"], {})
        result.applied += 1
        result.touched.add(a)
        cursor[a] = max(cursor.get(a, 0), c.seq)
        events.append(_event(c, run, AppliedEvent.Outcome.APPLIED))
    batch.write(actor=actor, origin=Origin.batch())
    AppliedEvent.objects.bulk_create(events, batch_size=2000)
    if cursor:
        RegistryCursor.objects.bulk_create(
            [RegistryCursor(atena_no=a, last_seq=s) for a, s in cursor.items()],
            update_conflicts=True,
            unique_fields=["atena_no"],
            update_fields=["last_seq"],
            batch_size=2000,
        )
    return result


def _event(c: Change, run: FeedRun, outcome: str) -> AppliedEvent:
    return AppliedEvent(
        event_id=c.event_id,
        seq=c.seq,
        atena_no=c.atena_no,
        event_type=c.event_type,
        content_sha256=c.content_sha256,
        outcome=outcome,
        run=run,
    )
