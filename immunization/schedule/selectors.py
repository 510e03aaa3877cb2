"""Reads of the schedule tables for the screens."""

from __future__ import annotations

import datetime

from core.legal_age import describe_offset

from .rules import get_rules, in_force


def _dated(valid_from: datetime.date | None, valid_to: datetime.date | None) -> str:
    from core.wareki import format_wareki

    if not valid_from and not valid_to:
        return ""
    return f"{format_wareki(valid_from) if valid_from else ''}〜{format_wareki(valid_to) if valid_to else ''}"


def schedule_table_rows(on: datetime.date) -> list[dict]:
    """One row per vaccine: its doses, legal windows (marked in force or not on `on`), plans and intervals."""
    rules = get_rules()
    rows = []
    for v in rules.vaccines.values():
        doses = []
        for code in v.doses:
            d = rules.doses[code]
            windows = [
                {
                    "label": w.label,
                    "note": w.note,
                    "dates": _dated(w.valid_from, w.valid_to),
                    "in_force": in_force(w.valid_from, w.valid_to, on),
                    "special": w.is_special,
                    "condition": w.condition,
                }
                for w in d.windows
            ]
            doses.append({"code": code, "label": d.label, "sex": d.sex, "recurrence": d.recurrence, "windows": windows})
        plans = []
        for p in v.plans:
            steps = []
            for s in p.steps:
                parts = []
                if s.min_after_prev:
                    parts.append(f"前回から{describe_offset(s.min_after_prev)}以上")
                if s.min_after_prev_if_skipped:
                    parts.append(f"(前の回を省いたときは{describe_offset(s.min_after_prev_if_skipped)}以上)")
                if s.min_after_first:
                    parts.append(f"1回目から{describe_offset(s.min_after_first)}以上")
                if s.min_age:
                    parts.append(f"{describe_offset(s.min_age)}に至った日から")
                if s.deadline_age:
                    tail = "(過ぎたら省略)" if s.skip_after_deadline else ""
                    parts.append(f"{describe_offset(s.deadline_age)}に至るまで{tail}")
                if s.skip_if_prev_after_age:
                    parts.append(f"前回が{describe_offset(s.skip_if_prev_after_age)}を過ぎたら省略")
                std = ""
                if s.std_kind == "age":
                    std = f"{describe_offset(s.std_from)}〜{describe_offset(s.std_to)}"
                elif s.std_kind == "after_prev":
                    std = f"前回から{describe_offset(s.std_from)}〜{describe_offset(s.std_to)}"
                elif s.std_kind == "fy_reach":
                    std = f"{s.std_from.rstrip('y')}歳となる年度" + (
                        "" if s.std_from == s.std_to else f"〜{s.std_to.rstrip('y')}歳となる年度"
                    )
                elif s.std_kind == "season":
                    std = f"{s.std_from}〜{s.std_to}"
                label = rules.doses[s.dose].label
                steps.append({"code": s.dose, "label": label, "rules": "、".join(parts), "std": std})
            plans.append(
                {
                    "label": p.label,
                    "first_age_to": describe_offset(p.first_age_to) if p.first_age_to else "",
                    "dates": _dated(p.valid_from, p.valid_to),
                    "in_force": in_force(p.valid_from, p.valid_to, on),
                    "steps": steps,
                }
            )
        from immunization.models import Vaccine

        kind = dict(Vaccine.Kind.choices).get(v.kind, v.kind)
        rows.append({"v": v, "kind": kind, "doses": doses, "plans": plans})
    return rows


def general_intervals(on: datetime.date) -> list[dict]:
    from immunization.models import GeneralInterval

    kinds = dict(GeneralInterval.KINDS)
    return [
        {
            "g": g,
            "prev": kinds.get(g.prev_kind, g.prev_kind),
            "next": kinds.get(g.next_kind, g.next_kind),
            "gap": describe_offset(g.min_gap),
            "dates": _dated(g.valid_from, g.valid_to),
            "in_force": in_force(g.valid_from, g.valid_to, on),
        }
        for g in get_rules().general
    ]
