"""The one vocabulary of doses: every app names a dose by its code (japan-reference.md §1.3) and asks here
what it is — its label, class A/B, vaccine, the sex it applies to and how often it recurs.

The answers come from the schedule tables (immunization.models.schedule, loaded by migrations and
cached per process by immunization.schedule.rules), so a dose added to the schedule is known everywhere
at once. Nothing else in the project keeps a list of dose codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .schedule.rules import RuleSet, get_rules

A_CLASS = "A"
B_CLASS = "B"
# The register's sex codes (residents.Resident.Sex); other sources' spellings are folded onto them.
MALE, FEMALE = "1", "2"
_SEX_CODES = {"1": MALE, "2": FEMALE, "M": MALE, "F": FEMALE, "男": MALE, "女": FEMALE}


class UnknownDose(KeyError):
    """A code that is not in the schedule's dose table."""

    def __str__(self) -> str:
        return f"接種区分コード「{self.args[0]}」はスケジュールにありません。"


@dataclass(frozen=True)
class DoseInfo:
    code: str  # "mr_1"
    label: str  # "麻しん風しん混合 1期" (vaccine name and dose label, as printed)
    dose_label: str  # "1期"
    vaccine: str  # the vaccine's code ("mr")
    vaccine_name: str  # "麻しん風しん混合"
    vaccine_group: str  # vaccines given as alternatives share one ("hz" for both zoster vaccines)
    vaccine_class: str  # "A" | "B"
    sex: str  # "" both, "1" male only, "2" female only
    recurrence: str  # "once" | "per_fy" | "per_pregnancy"

    @property
    def is_b_class(self) -> bool:
        return self.vaccine_class == B_CLASS

    @property
    def is_yearly(self) -> bool:
        """Given again every fiscal year (elderly influenza, COVID-19): "already vaccinated" means this season."""
        return self.recurrence == "per_fy"

    @property
    def is_once(self) -> bool:
        return self.recurrence == "once"

    def applies_to(self, sex: str) -> bool:
        """Whether a person of this sex (register code or M/F) is in the dose's target group at all."""
        return not self.sex or normalize_sex(sex) == self.sex


def normalize_sex(sex: str) -> str:
    """'1'/'2', 'M'/'F' or 男/女 -> the register's '1'/'2'; anything else -> ''."""
    return _SEX_CODES.get((sex or "").strip().upper(), "")


def _info(rules: RuleSet, code: str) -> DoseInfo:
    try:
        d = rules.doses[code]
    except KeyError:
        raise UnknownDose(code) from None
    v = rules.vaccines[d.vaccine]
    return DoseInfo(
        code=d.code,
        label=f"{v.name} {d.label}",
        dose_label=d.label,
        vaccine=v.code,
        vaccine_name=v.name,
        vaccine_group=v.group or v.code,
        vaccine_class=v.vaccine_class,
        sex=d.sex,
        recurrence=d.recurrence,
    )


def get(code: str) -> DoseInfo:
    """The dose of this code; raises UnknownDose."""
    return _info(get_rules(), code)


def find(code: str) -> DoseInfo | None:
    try:
        return get(code)
    except UnknownDose:
        return None


def all_doses() -> list[DoseInfo]:
    """Every dose of the schedule, in the schedule's order (vaccine, then dose)."""
    rules = get_rules()
    return [_info(rules, code) for code in rules.doses]


def codes() -> list[str]:
    return list(get_rules().doses)


def is_dose_code(code: str) -> bool:
    return code in get_rules().doses


def label(code: str) -> str:
    """The printed label; a code the schedule does not know is shown as it is (old data, typing errors)."""
    info = find(code)
    return info.label if info else code


def vaccine_class(code: str) -> str:
    return get(code).vaccine_class


def b_class_codes() -> frozenset[str]:
    return frozenset(d.code for d in all_doses() if d.is_b_class)


def yearly_codes() -> frozenset[str]:
    return frozenset(d.code for d in all_doses() if d.is_yearly)


def repeatable_codes() -> frozenset[str]:
    """Doses that may recur (once per pregnancy): only an exact duplicate of one is a problem."""
    return frozenset(d.code for d in all_doses() if d.recurrence == "per_pregnancy")


def codes_of_vaccine(vaccine: str) -> list[str]:
    """Dose codes of one vaccine code ("mr" -> ["mr_1", "mr_2"])."""
    rules = get_rules()
    v = rules.vaccines.get(vaccine)
    return list(v.doses) if v else []


def choices(*, vaccine_class: str | None = None) -> list[tuple[str, str]]:
    """(code, label) for a select box, optionally one class only."""
    return [(d.code, d.label) for d in all_doses() if vaccine_class is None or d.vaccine_class == vaccine_class]
