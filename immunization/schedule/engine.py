"""The forecaster and the dose checker: one evaluator over the rule tables (see rules.py).

For each vaccine it picks the course (alternatives such as 5種混合 vs 4種混合+ヒブ, HPV 2/4/9価), the plan
(by the age at the first dose; HPV 9価 2 or 3 doses), then walks the plan's steps: a given dose is
completed; a missing one gets the days it can be given as a routine vaccination — the person's legal
windows (regular and special cohorts, each in force between its dates) narrowed by the intervals from
the previous and first doses, age limits of the step and the rule between different vaccines (注射生
ワクチン同士は中27日) — and a status on the day asked. Doses not yet given are projected at their earliest
day so that later doses get an earliest day too.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.legal_age import (
    describe_offset,
    fiscal_year,
    fy_end,
    fy_in_which_reaches,
    fy_start,
    interval_earliest,
    interval_latest,
    month_day,
    parse_offset,
    reach_date,
    school_entry_date,
)
from core.wareki import format_wareki

# The module, not its names, and only at call time: immunization.doses reads the rule tables through this
# package (.rules), so when doses is imported first it is still loading at this line.
from .. import doses
from .rules import DoseDef, Plan, RuleSet, Step, VaccineDef, Window, get_rules, in_force

FAR = datetime.date(9999, 12, 31)
ONE_DAY = datetime.timedelta(days=1)

COMPLETED = "completed"
DUE = "due"
UPCOMING = "upcoming"
OVERDUE = "overdue"
EXPIRED = "expired"
NOT_APPLICABLE = "not_applicable"
STATUSES = (COMPLETED, DUE, UPCOMING, OVERDUE, EXPIRED, NOT_APPLICABLE)
STATUS_LABELS = {
    COMPLETED: "接種済",
    DUE: "接種時期",
    UPCOMING: "これから",
    OVERDUE: "標準期間経過",
    EXPIRED: "期間終了",
    NOT_APPLICABLE: "対象外",
}

CONDITION_LABELS = {
    "disability_1": "心臓・腎臓・呼吸器・HIVの障害(身体障害者手帳1級相当)",
    "hiv_1": "HIVによる免疫の機能の障害(身体障害者手帳1級相当)",
    "rubella_low_antibody": "風しん抗体検査で抗体価が不十分",
}
SEX_LABELS = {"1": "男性", "2": "女性"}  # the register's codes, as doses.normalize_sex gives them


@dataclass(frozen=True)
class PastDose:
    """A dose the person has had: its per-dose code and date (None when the date is unknown)."""

    code: str
    given_on: datetime.date | None


@dataclass(frozen=True)
class DoseForecast:
    code: str
    label: str
    vaccine_code: str
    vaccine_class: str
    status: str
    earliest: datetime.date | None
    latest: datetime.date | None
    reason: str
    vaccine_name: str = ""
    standard_from: datetime.date | None = None
    standard_to: datetime.date | None = None
    given_on: datetime.date | None = None
    special: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "vaccine": self.vaccine_code,
            "vaccine_class": self.vaccine_class,
            "status": self.status,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "reason": self.reason,
        }


def w(d: datetime.date | None) -> str:
    if d is None:
        return ""
    if d >= FAR:
        return "期限なし"
    return format_wareki(d)


@dataclass
class _Person:
    birth: datetime.date
    sex: str
    conditions: frozenset[str]
    history: list[PastDose]
    # first recorded date per dose code (None = date unknown); all dates per code
    given: dict[str, datetime.date | None] = field(default_factory=dict)
    all_dates: dict[str, list[datetime.date | None]] = field(default_factory=dict)
    # per-call memo of the legal spans of each dose (they depend only on the person and the rules)
    spans: dict[tuple[str, int], tuple[list[_Span], str]] = field(default_factory=dict)
    general: dict[tuple[str, datetime.date], list[tuple[datetime.date, str, str]]] = field(default_factory=dict)
    # judging one dose already given: a pregnancy window is then taken as met (the clinic checked the weeks)
    judging: bool = False

    @classmethod
    def make(
        cls,
        birth: datetime.date,
        sex: str,
        conditions: frozenset[str],
        history: Sequence[PastDose],
        *,
        rules: RuleSet,
        on: datetime.date,
        judging: bool = False,
    ) -> _Person:
        kept = [h for h in history if not _earlier_pregnancy(rules, h, on)]
        ordered = sorted(kept, key=lambda h: (h.given_on is None, h.given_on or datetime.date.min, h.code))
        p = cls(birth=birth, sex=doses.normalize_sex(sex), conditions=conditions, history=ordered, judging=judging)
        for h in ordered:
            p.all_dates.setdefault(h.code, []).append(h.given_on)
            p.given.setdefault(h.code, h.given_on)
        return p


def _earlier_pregnancy(rules: RuleSet, h: PastDose, on: datetime.date) -> bool:
    """A once-per-pregnancy dose given long enough before `on` belongs to an earlier pregnancy."""
    dose = rules.doses.get(h.code)
    if dose is None or dose.recurrence != "per_pregnancy" or dose.repeat_after is None or h.given_on is None:
        return False
    return interval_earliest(h.given_on, dose.repeat_after) <= on


@dataclass
class _Span:
    start: datetime.date
    end: datetime.date
    window: Window


@dataclass
class _StepEval:
    step: Step
    dose: DoseDef
    status: str
    earliest: datetime.date | None = None
    latest: datetime.date | None = None
    reason: str = ""
    std: tuple[datetime.date, datetime.date] | None = None
    given_on: datetime.date | None = None
    special: bool = False
    spans: list[_Span] = field(default_factory=list)
    lower: list[tuple[datetime.date, str]] = field(default_factory=list)
    upper: list[tuple[datetime.date, str]] = field(default_factory=list)
    missing_prev: str = ""


# ---------------------------------------------------------------- windows


def _age_end(birth: datetime.date, w_: Window) -> datetime.date:
    if w_.to_age is None:
        return FAR
    end = reach_date(birth, w_.to_age)
    return end if w_.to_inclusive else end - ONE_DAY


def window_spans(birth: datetime.date, w_: Window) -> list[tuple[datetime.date, datetime.date]]:
    """The calendar spans in which a person born on `birth` is within window `w_` (ignoring conditions),
    already cut to the dates the window is in force. Non-decreasing in `birth`, so cohorts can be searched."""
    if not w_.covers_birth(birth):
        return []
    spans: list[tuple[datetime.date, datetime.date]] = []
    if w_.kind == "age":
        start = reach_date(birth, w_.from_age) if w_.from_age else birth
        spans.append((start, _age_end(birth, w_)))
    elif w_.kind == "fy_reach":
        assert w_.from_age is not None
        assert w_.to_age is not None
        first_fy = fy_in_which_reaches(birth, w_.from_age.years)
        spans.append((fy_start(first_fy), fy_end(fy_in_which_reaches(birth, w_.to_age.years))))
    elif w_.kind == "fy_end_age":
        for age in w_.fy_ages:
            fy = fy_in_which_reaches(birth, age)
            spans.append((fy_start(fy), fy_end(fy)))
        if w_.fy_ages_open_from is not None:
            spans.append((fy_start(fy_in_which_reaches(birth, w_.fy_ages_open_from)), FAR))
    elif w_.kind == "school_year":
        entry = school_entry_date(birth)
        start = datetime.date(entry.year - 1, 4, 1)
        if w_.from_age:
            start = max(start, reach_date(birth, w_.from_age))
        spans.append((start, min(entry - ONE_DAY, _age_end(birth, w_))))
    elif w_.kind == "any":
        spans.append((birth, FAR))
    # "pregnancy" cannot be placed in time from a birth date
    lo = w_.valid_from or datetime.date.min
    hi = w_.valid_to or FAR
    out = []
    for s, e in spans:
        s, e = max(s, lo, birth), min(e, hi)
        if s <= e:
            out.append((s, e))
    return out


def _seasonal(spans: list[tuple[datetime.date, datetime.date]], w_: Window, from_fy: int):
    """Cut spans to the implementation period of each fiscal year (e.g. 10-01 to 01-31)."""
    out = []
    for s, e in spans:
        first_fy = max(from_fy, fiscal_year(s))
        last_fy = min(fiscal_year(e), first_fy + 2)
        for fy in range(first_fy, last_fy + 1):
            ss, se = month_day(fy, w_.season_from), month_day(fy, w_.season_to)
            a, b = max(s, ss), min(e, se)
            if a <= b:
                out.append((a, b))
    return out


def _course_start(person: _Person, vaccine: VaccineDef) -> datetime.date | None:
    dates = [d for code in vaccine.doses for d in person.all_dates.get(code, []) if d is not None]
    return min(dates) if dates else None


def _person_spans(
    rules: RuleSet, person: _Person, dose: DoseDef, vaccine: VaccineDef, from_fy: int
) -> tuple[list[_Span], str]:
    """The person's legal spans for a dose, and why there are none when the list is empty."""
    key = (dose.code, from_fy)
    if key not in person.spans:
        person.spans[key] = _compute_person_spans(rules, person, dose, vaccine, from_fy)
    return person.spans[key]


def _compute_person_spans(
    rules: RuleSet, person: _Person, dose: DoseDef, vaccine: VaccineDef, from_fy: int
) -> tuple[list[_Span], str]:
    if dose.sex and person.sex != dose.sex:
        return [], f"{SEX_LABELS.get(dose.sex, '')}のみが対象です"
    out: list[_Span] = []
    reasons: list[str] = []
    started = None
    for w_ in dose.windows:
        if w_.kind == "pregnancy" and person.judging:
            start, end = max(person.birth, w_.valid_from or person.birth), w_.valid_to or FAR
            if start <= end:
                out.append(_Span(start, end, w_))
            continue
        if w_.kind == "pregnancy":
            reasons.append(f"{w_.note}(生年月日からは判定できません。妊娠届・母子健康手帳で確認)")
            continue
        if w_.condition and w_.condition not in person.conditions:
            if w_.covers_birth(person.birth) and window_spans(person.birth, w_):
                reasons.append(w_.note or CONDITION_LABELS.get(w_.condition, w_.condition))
            continue
        if w_.started_from or w_.started_to:
            started = started if started is not None else _course_start(person, vaccine)
            if started is None or not in_force(w_.started_from, w_.started_to, started):
                continue
        spans = window_spans(person.birth, w_)
        if w_.season_from and w_.season_to:
            spans = _seasonal(spans, w_, from_fy)
        out.extend(_Span(s, e, w_) for s, e in spans)
    out.sort(key=lambda sp: (sp.start, sp.end))
    if not out and not reasons:
        regular = [w_.note for w_ in dose.windows if not w_.is_special and not w_.condition and w_.note]
        reasons.append("生年月日が定期接種の対象に当たりません" + (f"(対象: {regular[-1]})" if regular else ""))
    return out, "。".join(dict.fromkeys(reasons))


# ---------------------------------------------------------------- intervals


def _general_lower(
    rules: RuleSet, person: _Person, vaccine: VaccineDef, on: datetime.date
) -> list[tuple[datetime.date, str]]:
    """Earliest days set by doses of *other* vaccines (注射生ワクチン同士は中27日 …), by the rules in force on `on`."""
    key = (vaccine.kind, on)
    if key not in person.general:
        # once per kind of vaccine and forecast: (earliest, why, the earlier dose's vaccine)
        found: list[tuple[datetime.date, str, str]] = []
        rules_now = [g for g in rules.general if in_force(g.valid_from, g.valid_to, on)]
        for g in rules_now:
            if g.next_kind not in (vaccine.kind, "any"):
                continue
            for h in person.history:
                if h.given_on is None or h.given_on >= on or h.code not in rules.doses:
                    continue
                other = rules.vaccine_of_dose(h.code)
                if g.prev_kind not in (other.kind, "any"):
                    continue
                earliest = interval_earliest(h.given_on, g.min_gap)
                if earliest > on:
                    why = f"{other.name}({w(h.given_on)}接種)から中{describe_offset(g.min_gap)}以上({g.note})"
                    found.append((earliest, why, other.code))
        person.general[key] = found
    return [(d, why) for d, why, other in person.general[key] if other != vaccine.code]


def _std_span(
    person: _Person, step: Step, prev: datetime.date | None, legal: _Span, on: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    k = step.std_kind
    if k == "age":
        return reach_date(person.birth, step.std_from), reach_date(person.birth, step.std_to)
    if k == "after_prev":
        if prev is None:
            return None
        return interval_earliest(prev, step.std_from), interval_latest(prev, step.std_to)
    if k == "fy_reach":
        return (
            fy_start(fy_in_which_reaches(person.birth, parse_offset(step.std_from).years)),
            fy_end(fy_in_which_reaches(person.birth, parse_offset(step.std_to).years)),
        )
    if k == "season":
        fy = fiscal_year(legal.start)
        return month_day(fy, step.std_from), month_day(fy, step.std_to)
    return legal.start, legal.end


# ---------------------------------------------------------------- plans


def _plan_intervals_hold(plan: Plan, person: _Person) -> bool:
    prev: datetime.date | None = None
    first: datetime.date | None = None
    for i, step in enumerate(plan.steps):
        d = person.given.get(step.dose)
        if step.dose not in person.given:
            continue
        if d is not None:
            if prev is not None and step.min_after_prev and d < interval_earliest(prev, step.min_after_prev):
                return False
            if first is not None and step.min_after_first and d < interval_earliest(first, step.min_after_first):
                return False
        if i == 0:
            first = d
        prev = d
    return True


def _choose_plan(rules: RuleSet, person: _Person, vaccine: VaccineDef, on: datetime.date) -> Plan:
    start = _course_start(person, vaccine)
    given_codes = {c for c in vaccine.doses if c in person.given}
    ref = start or on
    plans = [p for p in vaccine.plans if in_force(p.valid_from, p.valid_to, ref)] or list(vaccine.plans)
    if start is None and not given_codes:
        # not started: the plan for the first day the first dose could be given
        spans, _ = _person_spans(rules, person, rules.doses[plans[0].steps[0].dose], vaccine, fiscal_year(on))
        upcoming = [sp for sp in spans if sp.end >= on]
        start = max(on, upcoming[0].start) if upcoming else on
    fitting = [
        p for p in plans if p.first_age_to is None or start is None or start <= reach_date(person.birth, p.first_age_to)
    ] or [plans[-1]]
    containing = [p for p in fitting if given_codes <= {s.dose for s in p.steps}]
    for p in containing:
        if _plan_intervals_hold(p, person):
            return p
    return (containing or fitting)[0]


# ---------------------------------------------------------------- evaluation


def _binding(lower: list[tuple[datetime.date, str]], day: datetime.date) -> str:
    msgs = [m for d, m in lower if d == day]
    return msgs[0] if msgs else ""


def _evaluate_plan(
    rules: RuleSet, person: _Person, vaccine: VaccineDef, plan: Plan, on: datetime.date, alt_note: str
) -> list[_StepEval]:
    out: list[_StepEval] = []
    prev_date: datetime.date | None = None  # the last given (or projected) dose of this plan
    prev_label = ""
    prev_skipped = False
    prev_projected = False
    first_date: datetime.date | None = None
    floor: tuple[datetime.date, str] | None = None  # a dose dropped at its deadline: later ones follow it
    missing = ""  # judging a given dose: an earlier dose that is not in the history
    general = _general_lower(rules, person, vaccine, on)
    fy_on = fiscal_year(on)
    for i, step in enumerate(plan.steps):
        dose = rules.doses[step.dose]
        if step.dose in person.given:
            gd = person.given[step.dose]
            extra = len(person.all_dates.get(step.dose, [])) - 1
            reason = f"{w(gd)}に接種済み" if gd else "接種済み(接種日不明)"
            if extra:
                reason += f"。同じ回の記録がほかに{extra}件あります"
            out.append(_StepEval(step, dose, COMPLETED, reason=reason, given_on=gd))
            prev_date, prev_label, prev_skipped, prev_projected = gd, dose.label, False, False
            missing = ""
            if i == 0:
                first_date = gd
            continue

        ev = _StepEval(step, dose, NOT_APPLICABLE)
        out.append(ev)
        ev.missing_prev = missing
        spans, na_reason = _person_spans(rules, person, dose, vaccine, fy_on)
        ev.spans = spans
        if not spans:
            ev.reason = na_reason
            prev_skipped = True
            continue

        # skipped steps (ヒブ・小児肺炎球菌の初回: 期限を過ぎたら行わない)
        if (
            step.skip_if_prev_after_age
            and prev_date is not None
            and not prev_projected
            and prev_date > reach_date(person.birth, step.skip_if_prev_after_age)
        ):
            limit = describe_offset(step.skip_if_prev_after_age)
            ev.reason = f"{prev_label}が{limit}に至った日より後のため、この回は行いません"
            prev_skipped = True
            continue

        lower: list[tuple[datetime.date, str]] = list(general)
        if floor is not None:
            lower.append(floor)
        upper: list[tuple[datetime.date, str]] = []
        if prev_date is not None:
            gap = step.min_after_prev
            if prev_skipped and step.min_after_prev_if_skipped:
                gap = step.min_after_prev_if_skipped
            if gap:
                lower.append((interval_earliest(prev_date, gap), f"{prev_label}から{describe_offset(gap)}以上"))
            if step.max_after_prev:
                most = step.max_after_prev
                upper.append((interval_latest(prev_date, most), f"{prev_label}から{describe_offset(most)}まで"))
        if step.min_after_first and first_date is not None:
            gap_first = step.min_after_first
            lower.append((interval_earliest(first_date, gap_first), f"1回目から{describe_offset(gap_first)}以上"))
        if step.min_age:
            lower.append((reach_date(person.birth, step.min_age), f"{describe_offset(step.min_age)}に至った日から"))
        deadline = reach_date(person.birth, step.deadline_age) if step.deadline_age else None
        if deadline:
            upper.append((deadline, f"{describe_offset(step.deadline_age)}に至るまで"))
        ev.lower, ev.upper = lower, upper
        lb = max((d for d, _ in lower), default=datetime.date.min)
        ub = min((d for d, _ in upper), default=FAR)

        if step.skip_after_deadline and deadline and (on > deadline or lb > deadline):
            ev.reason = f"{describe_offset(step.deadline_age)}に至るまでに接種しなかったため、この回は行いません"
            prev_skipped = True
            floor = (deadline + ONE_DAY, f"{dose.label}の期限({w(deadline)})の翌日から")
            continue

        feasible = [(max(sp.start, lb), min(sp.end, ub), sp) for sp in spans]
        feasible = [f for f in feasible if f[0] <= f[1]]
        current = [f for f in feasible if f[1] >= on]
        if not current:
            ev.status = EXPIRED
            last = (feasible or [(spans[-1].start, spans[-1].end, spans[-1])])[-1]
            ev.earliest, ev.latest, ev.special = last[0], last[1], last[2].window.is_special
            if feasible:
                ev.reason = f"定期接種の期間({w(last[0])}〜{w(last[1])})を過ぎました。{last[2].window.note}"
            else:
                ev.reason = "対象期間内に必要な間隔をとれません(" + "、".join(m for _, m in lower + upper) + ")"
            prev_skipped = True
            continue

        start, end, span = current[0]
        ev.earliest, ev.latest, ev.special = start, end, span.window.is_special
        std_prev = prev_date if not prev_skipped else None
        std = None if span.window.is_special else _std_span(person, step, std_prev, span, on)
        ev.std = std
        special = f"{span.window.label}: {span.window.note}。" if span.window.is_special else ""
        if on < start:
            ev.status = UPCOMING
            why = _binding(lower, start) or (span.window.label if span.window.is_special else span.window.note)
            ev.reason = f"{special}{w(start)}から接種できます({why})。{w(end)}まで"
        elif std and on > std[1]:
            ev.status = OVERDUE
            ev.reason = (
                f"標準的な接種期間({w(std[0])}〜{w(std[1])})を過ぎていますが、{w(end)}まで定期接種として接種できます"
            )
        elif span.window.is_special:
            ev.status = OVERDUE
            ev.reason = f"{special}{w(end)}まで定期接種として接種できます"
        elif std and on < std[0]:
            ev.status = DUE
            ev.reason = f"接種できます(標準的な接種期間は{w(std[0])}から)。{w(end)}まで"
        else:
            ev.status = DUE
            ev.reason = f"接種の時期です({w(end)}まで)"
            if std:
                ev.reason = f"標準的な接種期間です({w(std[0])}〜{w(std[1])})。{w(end)}まで"
        if alt_note:
            ev.reason += f"。{alt_note}"
        if person.judging:
            # judging a dose already given: a dose missing before it is reported, not imagined on some day
            missing = missing or dose.label
            continue
        projected = max(on, start)
        prev_date, prev_label, prev_skipped, prev_projected = projected, dose.label, False, True
        if i == 0:
            first_date = projected
    return out


def _evaluate_per_fy(rules: RuleSet, person: _Person, vaccine: VaccineDef, on: datetime.date) -> list[_StepEval]:
    out = []
    fy = fiscal_year(on)
    for plan_step in vaccine.plans[0].steps:
        dose = rules.doses[plan_step.dose]
        dates = person.all_dates.get(dose.code, [])
        this_fy = [d for d in dates if d is not None and fiscal_year(d) == fy]
        if this_fy:
            out.append(
                _StepEval(plan_step, dose, COMPLETED, reason=f"今年度は{w(this_fy[0])}に接種済み", given_on=this_fy[0])
            )
            continue
        ev = _StepEval(plan_step, dose, NOT_APPLICABLE)
        out.append(ev)
        spans, na_reason = _person_spans(rules, person, dose, vaccine, fy)
        ev.spans = spans
        if not spans:
            ev.reason = na_reason
            continue
        ev.lower = _general_lower(rules, person, vaccine, on)
        lb = max((d for d, _ in ev.lower), default=datetime.date.min)
        feasible = [(max(sp.start, lb), sp.end, sp) for sp in spans]
        feasible = [f for f in feasible if f[0] <= f[1]]
        current = [f for f in feasible if f[1] >= on]
        if not current:
            ev.status = EXPIRED
            last = feasible[-1] if feasible else (spans[-1].start, spans[-1].end, spans[-1])
            ev.earliest, ev.latest = last[0], last[1]
            ev.reason = f"定期接種の期間({w(last[0])}〜{w(last[1])})を過ぎました"
            continue
        start, end, span = current[0]
        ev.earliest, ev.latest = start, end
        std = _std_span(person, plan_step, None, span, on)
        ev.std = std
        if on < start:
            ev.status = UPCOMING
            ev.reason = f"{w(start)}から接種できます({span.window.note}、年度に1回)。{w(end)}まで"
        elif std and on > std[1]:
            ev.status = OVERDUE
            ev.reason = f"標準的な時期({w(std[0])}〜{w(std[1])})を過ぎていますが、{w(end)}まで接種できます"
        else:
            ev.status = DUE
            ev.reason = f"今年度の接種期間です({w(start)}〜{w(end)})"
    return out


def _chosen_courses(rules: RuleSet, person: _Person) -> dict[str, str]:
    """group -> course the person started (the course of the earliest recorded dose in the group)."""
    chosen: dict[str, str] = {}
    for h in person.history:  # already sorted, unknown dates last
        if h.code in rules.doses:
            v = rules.vaccine_of_dose(h.code)
            if v.group and v.group not in chosen:
                chosen[v.group] = v.course
    return chosen


def _to_forecast(v: VaccineDef, ev: _StepEval) -> DoseForecast:
    return DoseForecast(
        code=ev.dose.code,
        label=f"{v.name} {ev.dose.label}",
        vaccine_code=v.code,
        vaccine_class=v.vaccine_class,
        status=ev.status,
        earliest=None if ev.status in (COMPLETED, NOT_APPLICABLE) else ev.earliest,
        latest=None if ev.status in (COMPLETED, NOT_APPLICABLE) or ev.latest == FAR else ev.latest,
        reason=ev.reason,
        vaccine_name=v.name,
        standard_from=ev.std[0] if ev.std else None,
        standard_to=ev.std[1] if ev.std else None,
        given_on=ev.given_on,
        special=ev.special,
    )


def _evaluate_vaccine(
    rules: RuleSet, person: _Person, v: VaccineDef, on: datetime.date, chosen: dict[str, str]
) -> list[_StepEval]:
    """Every dose of one vaccine, in dose order."""
    by_code: dict[str, _StepEval] = {}
    blocked = ""
    alt_note = ""
    if v.group:
        courses = rules.group_courses(v.group)
        if v.group in chosen and chosen[v.group] != v.course:
            names = "・".join(x.name for x in courses[chosen[v.group]])
            blocked = f"{names}で接種を始めているため対象外です(同じワクチンで完了します)"
        elif v.group not in chosen:
            others = [x for course, xs in courses.items() if course != v.course for x in xs]
            if v.new_starts_until and on > v.new_starts_until:
                names = "・".join(x.name for x in others if not x.new_starts_until)
                blocked = f"{w(v.new_starts_until)}より後は新たに始めません({names}を使用)"
            else:
                usable = [x.name for x in others if not (x.new_starts_until and on > x.new_starts_until)]
                if usable:
                    alt_note = f"{'・'.join(usable)}とのいずれか1つで接種"
    if not v.plans:
        blocked = "接種計画が登録されていません(スケジュール表の設定を確認してください)"
    if blocked:
        for code in v.doses:
            dose = rules.doses[code]
            if code in person.given:  # given anyway (a product switched mid-course): shown, never hidden
                gd = person.given[code]
                reason = f"{w(gd) or '日付不明で'}接種済み({blocked})"
                by_code[code] = _StepEval(_dummy_step(code), dose, COMPLETED, reason=reason, given_on=gd)
            else:
                by_code[code] = _StepEval(_dummy_step(code), dose, NOT_APPLICABLE, reason=blocked)
    elif any(rules.doses[c].recurrence == "per_fy" for c in v.doses):
        for ev in _evaluate_per_fy(rules, person, v, on):
            by_code[ev.dose.code] = ev
    else:
        plan = _choose_plan(rules, person, v, on)
        for ev in _evaluate_plan(rules, person, v, plan, on, alt_note):
            by_code[ev.dose.code] = ev
        for code in v.doses:
            if code in by_code:
                continue
            dose = rules.doses[code]
            if code in person.given:
                gd = person.given[code]
                by_code[code] = _StepEval(
                    _dummy_step(code),
                    dose,
                    COMPLETED,
                    reason=f"{w(gd) or '日付不明で'}接種済み(この方の接種計画「{plan.label}」では不要な回です)",
                    given_on=gd,
                )
            else:
                by_code[code] = _StepEval(
                    _dummy_step(code), dose, NOT_APPLICABLE, reason=f"接種計画「{plan.label}」のため不要です"
                )
    return [by_code[c] for c in v.doses]


def _dummy_step(code: str) -> Step:
    return Step(code, 0, None, None, None, None, None, None, False, None, "legal", "", "", "")


def forecast(
    *,
    birth_date: datetime.date,
    sex: str,
    history: Sequence[PastDose],
    on: datetime.date,
    conditions: frozenset[str] | set[str] = frozenset(),
) -> list[DoseForecast]:
    """Every dose of every routine vaccination, with its status on `on` (see the module doc)."""
    rules = get_rules()
    person = _Person.make(birth_date, sex, frozenset(conditions), history, rules=rules, on=on)
    chosen = _chosen_courses(rules, person)
    out: list[DoseForecast] = []
    for v in rules.vaccines.values():
        out.extend(_to_forecast(v, ev) for ev in _evaluate_vaccine(rules, person, v, on, chosen))
    return out


def check_dose(
    *,
    birth_date: datetime.date,
    sex: str,
    history: Sequence[PastDose],
    code: str,
    given_on: datetime.date | None,
    conditions: frozenset[str] | set[str] = frozenset(),
) -> list[str]:
    """Problems (Japanese) with giving dose `code` on `given_on` as a routine vaccination, judged by the
    rules in force that day and the history before it; [] = a valid routine dose."""
    rules = get_rules()
    if code not in rules.doses:
        return [f"接種コード「{code}」は定期接種の区分にありません。"]
    if given_on is None:
        return []  # a date-unknown record can be kept, but nothing about it can be checked
    if given_on < birth_date:
        return ["接種日が生年月日より前です。"]
    prior: list[PastDose] = []
    skipped_self = False
    for h in history:
        if h.code == code and h.given_on == given_on and not skipped_self:
            skipped_self = True  # the record being checked may already be in the history
            continue
        if h.given_on is None or h.given_on < given_on or h.given_on == given_on:
            prior.append(h)
    person = _Person.make(birth_date, sex, frozenset(conditions), prior, rules=rules, on=given_on, judging=True)
    dose = rules.doses[code]
    v = rules.vaccine_of_dose(code)
    evals = _evaluate_vaccine(rules, person, v, given_on, _chosen_courses(rules, person))
    ev = next(e for e in evals if e.dose.code == code)
    name = f"{v.name} {dose.label}"
    problems: list[str] = []
    if ev.status == COMPLETED:
        if dose.recurrence == "per_fy":
            return [f"{name}は今年度すでに{w(ev.given_on)}に接種済みです。"]
        when = w(ev.given_on) if ev.given_on else "日付不明で"
        return [f"{name}はすでに{when}接種済みです(回数超過)。"]
    if ev.status == NOT_APPLICABLE:
        return [f"{name}: {ev.reason}。"]
    if ev.missing_prev:
        problems.append(f"{name}: 前の回({ev.missing_prev})の接種記録がありません。")
    in_span = [sp for sp in ev.spans if sp.start <= given_on <= sp.end]
    if not in_span:
        notes = "、".join(dict.fromkeys(sp.window.note for sp in ev.spans if sp.window.note))
        problems.append(f"{name}: {w(given_on)}は定期接種の対象期間外です(対象: {notes})。")
    for d, msg in ev.lower:
        if given_on < d:
            problems.append(f"{name}: {msg}の間隔が必要です({w(d)}以降)。")
    for d, msg in ev.upper:
        if given_on > d:
            problems.append(f"{name}: {msg}に接種する必要があります({w(d)}まで)。")
    return problems


__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "DoseForecast",
    "PastDose",
    "check_dose",
    "forecast",
    "window_spans",
]
