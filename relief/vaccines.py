"""The vaccines a claim can concern, with their class. Used until a claim is linked to the vaccination
records themselves (immunization.VaccinationRecord); the class decides which benefits exist."""

from __future__ import annotations

from .rules import VaccineClass

# code -> (name, class); routine vaccinations as of FY2026 (japan-reference §1)
VACCINES: dict[str, tuple[str, str]] = {
    "HIB": ("Hib感染症", VaccineClass.A),
    "PCV": ("小児の肺炎球菌感染症", VaccineClass.A),
    "HEPB": ("B型肝炎", VaccineClass.A),
    "ROTA": ("ロタウイルス感染症", VaccineClass.A),
    "DPT_IPV_HIB": ("5種混合(DPT-IPV-Hib)", VaccineClass.A),
    "DPT_IPV": ("4種混合(DPT-IPV)", VaccineClass.A),
    "DT": ("2種混合(DT)", VaccineClass.A),
    "IPV": ("不活化ポリオ", VaccineClass.A),
    "BCG": ("BCG", VaccineClass.A),
    "MR": ("麻しん風しん混合(MR)", VaccineClass.A),
    "VAR": ("水痘", VaccineClass.A),
    "JE": ("日本脳炎", VaccineClass.A),
    "HPV": ("HPV(子宮頸がん予防)", VaccineClass.A),
    "RSV_M": ("RSウイルス(母子免疫)", VaccineClass.A),
    "FLU": ("高齢者インフルエンザ", VaccineClass.B),
    "PNEU_E": ("高齢者肺炎球菌", VaccineClass.B),
    "COVID": ("新型コロナウイルス感染症", VaccineClass.B),
    "ZOSTER": ("帯状疱疹", VaccineClass.B),
}

VACCINE_CHOICES = [(code, f"{name}({VaccineClass(cls).label})") for code, (name, cls) in VACCINES.items()]


def vaccine_class(code: str) -> str:
    return VACCINES[code][1]


def vaccine_name(code: str) -> str:
    return VACCINES.get(code, (code, ""))[0]
