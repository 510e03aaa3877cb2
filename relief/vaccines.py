"""The doses a claim can concern, named by the records' per-dose codes (immunization.eligibility), and
their class: the class decides which benefits exist (予防接種法 第16条)."""

from __future__ import annotations

from immunization import eligibility

from .rules import VaccineClass

# B類疾病 (定期): elderly influenza, COVID-19, pneumococcus, herpes zoster (japan-reference §1.1)
B_CLASS_PREFIXES = ("flu_elderly", "covid_elderly", "ppv_elderly", "pcv_elderly", "pcv20_elderly", "hz_")


def vaccine_class(code: str) -> str:
    """The class from the schedule's rule tables; the code prefixes answer only when the tables cannot."""
    try:
        from immunization import schedule

        found = str(schedule.vaccine_class(code))
    except (ImportError, AttributeError, KeyError, LookupError):
        found = ""
    if found in VaccineClass.values:
        return found
    return VaccineClass.B if code.startswith(B_CLASS_PREFIXES) else VaccineClass.A


def is_known(code: str) -> bool:
    return eligibility.is_dose_code(code)


def vaccine_name(code: str) -> str:
    return eligibility.dose_label(code)


def vaccine_choices() -> list[tuple[str, str]]:
    return [
        (c, f"{eligibility.dose_label(c)}({VaccineClass(vaccine_class(c)).label})") for c in eligibility.dose_codes()
    ]
