"""The doses a claim can concern, named by immunization's dose vocabulary (immunization.doses), and their
class: the class decides which benefits exist (予防接種法 第16条)."""

from __future__ import annotations

from immunization import doses

from .rules import VaccineClass


def vaccine_class(code: str) -> str:
    """A or B, as the schedule classes the dose (raises doses.UnknownDose for a code it does not know)."""
    return doses.vaccine_class(code)


def is_known(code: str) -> bool:
    return doses.is_dose_code(code)


def vaccine_name(code: str) -> str:
    return doses.label(code)


def vaccine_choices() -> list[tuple[str, str]]:
    return [(d.code, f"{d.label}({VaccineClass(d.vaccine_class).label})") for d in doses.all_doses()]
