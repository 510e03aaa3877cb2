"""The schedule tables read into plain, immutable objects, cached per process.

A forecast must take well under 10 ms, so the engine never queries the database: it works on this
snapshot. The snapshot is dropped when a schedule row is saved or deleted in this process (signals), and
other processes notice a change within RULES_RECHECK_SECONDS by comparing the tables' newest
`updated_at` and row counts (one cheap query, not per forecast).
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field

from core.legal_age import Offset, parse_offset

RULES_RECHECK_SECONDS = 30.0


def _off(text: str) -> Offset | None:
    return parse_offset(text) if text else None


def in_force(valid_from: datetime.date | None, valid_to: datetime.date | None, day: datetime.date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


@dataclass(frozen=True)
class Window:
    id: int
    dose: str
    label: str
    kind: str
    from_age: Offset | None
    to_age: Offset | None
    from_text: str
    to_text: str
    to_inclusive: bool
    fy_ages: tuple[int, ...]
    fy_ages_open_from: int | None  # "100-" -> 100 (and older)
    season_from: str
    season_to: str
    birth_from: datetime.date | None
    birth_to: datetime.date | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    condition: str
    started_from: datetime.date | None
    started_to: datetime.date | None
    is_special: bool
    note: str

    def covers_birth(self, birth: datetime.date) -> bool:
        after_start = self.birth_from is None or self.birth_from <= birth
        return after_start and (self.birth_to is None or birth <= self.birth_to)


@dataclass(frozen=True)
class Step:
    dose: str
    order: int
    min_after_prev: Offset | None
    min_after_prev_if_skipped: Offset | None
    max_after_prev: Offset | None
    min_after_first: Offset | None
    min_age: Offset | None
    deadline_age: Offset | None
    skip_after_deadline: bool
    skip_if_prev_after_age: Offset | None
    std_kind: str
    std_from: str
    std_to: str
    note: str


@dataclass(frozen=True)
class Plan:
    key: str
    label: str
    priority: int
    first_age_to: Offset | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    steps: tuple[Step, ...]

    def step_for(self, dose: str) -> Step | None:
        return next((s for s in self.steps if s.dose == dose), None)


@dataclass(frozen=True)
class DoseDef:
    code: str
    vaccine: str
    label: str
    recurrence: str
    sex: str
    windows: tuple[Window, ...]
    repeat_after: Offset | None = None


@dataclass(frozen=True)
class VaccineDef:
    code: str
    name: str
    disease: str
    vaccine_class: str
    kind: str
    group: str
    course: str
    new_starts_until: datetime.date | None
    notes: str
    doses: tuple[str, ...]
    plans: tuple[Plan, ...]


@dataclass(frozen=True)
class General:
    prev_kind: str
    next_kind: str
    min_gap: Offset
    min_gap_text: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    note: str


@dataclass(frozen=True)
class RuleSet:
    vaccines: dict[str, VaccineDef]
    doses: dict[str, DoseDef]
    general: tuple[General, ...]
    stamp: tuple = field(default=())

    def vaccine_of_dose(self, code: str) -> VaccineDef:
        return self.vaccines[self.doses[code].vaccine]

    def group_courses(self, group: str) -> dict[str, list[VaccineDef]]:
        courses: dict[str, list[VaccineDef]] = {}
        for v in self.vaccines.values():
            if group and v.group == group:
                courses.setdefault(v.course, []).append(v)
        return courses


def _stamp() -> tuple:
    from django.db import connection

    from immunization.models import CoursePlan, Dose, EligibilityWindow, GeneralInterval, PlanStep, Vaccine

    parts = []
    for model in (Vaccine, Dose, EligibilityWindow, CoursePlan, PlanStep, GeneralInterval):
        table = connection.ops.quote_name(model._meta.db_table)  # a model's own table, never user input
        parts.append(f"(SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') FROM {table})")  # noqa: S608
    with connection.cursor() as cur:
        cur.execute("SELECT " + ", ".join(parts))
        return tuple(cur.fetchone())


def _load() -> RuleSet:
    from immunization.models import CoursePlan, Dose, EligibilityWindow, GeneralInterval, PlanStep, Vaccine

    stamp = _stamp()
    windows: dict[int, list[Window]] = {}
    for w in EligibilityWindow.objects.select_related("dose").order_by("dose_id", "valid_from", "id"):
        ages = [a.strip() for a in w.fy_ages.split(",") if a.strip()]
        open_from = next((int(a[:-1]) for a in ages if a.endswith("-")), None)
        windows.setdefault(w.dose_id, []).append(
            Window(
                id=w.pk,
                dose=w.dose.code,
                label=w.label,
                kind=w.kind,
                from_age=_off(w.from_age),
                to_age=_off(w.to_age),
                from_text=w.from_age,
                to_text=w.to_age,
                to_inclusive=w.to_inclusive,
                fy_ages=tuple(int(a) for a in ages if not a.endswith("-")),
                fy_ages_open_from=open_from,
                season_from=w.season_from,
                season_to=w.season_to,
                birth_from=w.birth_from,
                birth_to=w.birth_to,
                valid_from=w.valid_from,
                valid_to=w.valid_to,
                condition=w.condition,
                started_from=w.started_from,
                started_to=w.started_to,
                is_special=w.is_special,
                note=w.note,
            )
        )
    doses: dict[str, DoseDef] = {}
    doses_by_vaccine: dict[int, list[str]] = {}
    for d in Dose.objects.select_related("vaccine").order_by("vaccine__sort_order", "sort_order", "code"):
        doses[d.code] = DoseDef(
            code=d.code,
            vaccine=d.vaccine.code,
            label=d.label,
            recurrence=d.recurrence,
            sex=d.sex,
            windows=tuple(windows.get(d.pk, [])),
            repeat_after=_off(d.repeat_after),
        )
        doses_by_vaccine.setdefault(d.vaccine_id, []).append(d.code)
    steps: dict[int, list[Step]] = {}
    for s in PlanStep.objects.select_related("dose").order_by("plan_id", "order"):
        steps.setdefault(s.plan_id, []).append(
            Step(
                dose=s.dose.code,
                order=s.order,
                min_after_prev=_off(s.min_after_prev),
                min_after_prev_if_skipped=_off(s.min_after_prev_if_skipped),
                max_after_prev=_off(s.max_after_prev),
                min_after_first=_off(s.min_after_first),
                min_age=_off(s.min_age),
                deadline_age=_off(s.deadline_age),
                skip_after_deadline=s.skip_after_deadline,
                skip_if_prev_after_age=_off(s.skip_if_prev_after_age),
                std_kind=s.std_kind,
                std_from=s.std_from,
                std_to=s.std_to,
                note=s.note,
            )
        )
    plans: dict[int, list[Plan]] = {}
    for p in CoursePlan.objects.order_by("vaccine_id", "priority", "key"):
        plans.setdefault(p.vaccine_id, []).append(
            Plan(
                key=p.key,
                label=p.label,
                priority=p.priority,
                first_age_to=_off(p.first_age_to),
                valid_from=p.valid_from,
                valid_to=p.valid_to,
                steps=tuple(steps.get(p.pk, [])),
            )
        )
    vaccines = {
        v.code: VaccineDef(
            code=v.code,
            name=v.name,
            disease=v.disease,
            vaccine_class=v.vaccine_class,
            kind=v.kind,
            group=v.group,
            course=v.course,
            new_starts_until=v.new_starts_until,
            notes=v.notes,
            doses=tuple(doses_by_vaccine.get(v.pk, [])),
            plans=tuple(plans.get(v.pk, [])),
        )
        for v in Vaccine.objects.order_by("sort_order", "code")
    }
    general = tuple(
        General(
            prev_kind=g.prev_kind,
            next_kind=g.next_kind,
            min_gap=parse_offset(g.min_gap),
            min_gap_text=g.min_gap,
            valid_from=g.valid_from,
            valid_to=g.valid_to,
            note=g.note,
        )
        for g in GeneralInterval.objects.order_by("valid_from", "id")
    )
    return RuleSet(vaccines=vaccines, doses=doses, general=general, stamp=stamp)


_lock = threading.Lock()
_cached: RuleSet | None = None
_checked_at = 0.0


def get_rules() -> RuleSet:
    """The current rule set; loaded once per process and re-read only when the tables changed."""
    global _cached, _checked_at
    now = time.monotonic()
    rules = _cached
    if rules is not None and now - _checked_at < RULES_RECHECK_SECONDS:
        return rules
    with _lock:
        if _cached is not None and time.monotonic() - _checked_at < RULES_RECHECK_SECONDS:
            return _cached
        if _cached is None or _stamp() != _cached.stamp:
            _cached = _load()
        _checked_at = time.monotonic()
        return _cached


def invalidate(**_kwargs: object) -> None:
    """Drop the cached rule set (connected to the schedule models' save and delete signals)."""
    global _cached, _checked_at
    with _lock:
        _cached = None
        _checked_at = 0.0
