"""Checking what an operator keyed or a punch file holds, field by field, with Japanese messages.

The keyed form, the second (double-entry) keying and the punch file share these fields and rules, so a
value accepted on one path is accepted on the others. `Masters` loads the code tables once, so that a
30,000-line file is checked without a query per line.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.wareki import parse_date

from . import doses
from .models import Doctor, Institution, Manufacturer, VaccineLot
from .vouchers import voucher_number_normalize, voucher_number_problem

# The fields an operator keys from a returned voucher, in keying (tab) order; also the punch file's columns.
KEYED_FIELDS: list[tuple[str, str]] = [
    ("voucher_no", "接種券番号"),
    ("atena_no", "宛番号"),
    ("dose_code", "接種コード"),
    ("vaccinated_on", "接種日"),
    ("institution_code", "医療機関コード"),
    ("doctor_code", "医師コード"),
    ("manufacturer_code", "メーカーコード"),
    ("lot_no", "ロット番号"),
    ("dose_volume_ml", "接種量"),
    ("copayment_amount", "自己負担徴収額"),
]
FIELD_LABELS = dict(KEYED_FIELDS)
MIN_VOLUME = Decimal("0.05")
MAX_VOLUME = Decimal("1.00")
CENT = Decimal("0.01")


def norm(text: Any) -> str:
    t = str(text or "")
    # ASCII is already NFKC; skipping the call matters for a 300,000-field file
    return (t if t.isascii() else unicodedata.normalize("NFKC", t)).strip()


@dataclass
class Masters:
    institutions: dict[str, int] = field(default_factory=dict)
    doctors: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    manufacturers: dict[str, int] = field(default_factory=dict)
    lots: dict[tuple[int, str], int] = field(default_factory=dict)
    codes: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> Masters:
        return cls(
            institutions=dict(Institution.objects.filter(active=True).values_list("code", "id")),
            doctors={
                c: (i, inst)
                for c, i, inst in Doctor.objects.filter(active=True).values_list("code", "id", "institution_id")
            },
            manufacturers=dict(Manufacturer.objects.values_list("code", "id")),
            lots={(m, lot): i for m, lot, i in VaccineLot.objects.values_list("manufacturer_id", "lot_no", "id")},
            codes=frozenset(doses.codes()),
        )


@dataclass
class Checked:
    """Cleaned values of one keyed voucher (or punch line); `errors` maps field -> message."""

    voucher_no: str = ""
    atena_no: str = ""
    dose_code: str = ""
    vaccinated_on: datetime.date | None = None
    institution_id: int | None = None
    doctor_id: int | None = None
    manufacturer_id: int | None = None
    lot_id: int | None = None
    lot_no: str = ""
    dose_volume_ml: Decimal | None = None
    copayment_amount: int | None = None
    date_unknown: bool = False
    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def check_values(
    raw: dict[str, Any],
    *,
    masters: Masters,
    today: datetime.date,
    strict_dates: bool = False,
    require_voucher: bool = True,
    require_lot_master: bool = True,
    relaxed: bool = False,
) -> Checked:
    """Check one set of keyed values. `strict_dates`: the file format's YYYYMMDD only (no era input).

    `relaxed` is for histories from surveys and other cities: institution, maker, lot and volume may be
    blank (often unknown to the family), and a blank date means 接種日不明.
    """
    values = {name: norm(raw.get(name, "")) for name, _ in KEYED_FIELDS}
    out = Checked(raw=values)
    err = out.errors

    number = voucher_number_normalize(values["voucher_no"])
    if number or require_voucher:
        if problem := voucher_number_problem(number):
            err["voucher_no"] = problem
        out.voucher_no = number

    atena = values["atena_no"]
    if not atena:
        err["atena_no"] = "宛番号を入力してください。"
    elif not atena.isascii() or not atena.isdigit() or len(atena) > 15:
        err["atena_no"] = "宛番号は15桁以内の数字です。"
    out.atena_no = atena

    code = values["dose_code"].lower()
    if not code:
        err["dose_code"] = "接種コードを入力してください。"
    elif code not in masters.codes:
        err["dose_code"] = f"接種コード「{code}」は定期接種の接種コードにありません。"
    out.dose_code = code

    text = values["vaccinated_on"]
    out.date_unknown = relaxed and not text
    if not out.date_unknown:
        try:
            out.vaccinated_on = _parse_day(text, strict=strict_dates)
            if out.vaccinated_on > today:
                err["vaccinated_on"] = f"接種日が未来の日付です: {out.vaccinated_on:%Y-%m-%d}"
        except ValueError as exc:
            err["vaccinated_on"] = str(exc)

    inst = values["institution_code"]
    if not inst:
        if not relaxed:
            err["institution_code"] = "医療機関コードを入力してください。"
    elif inst not in masters.institutions:
        err["institution_code"] = f"医療機関コード「{inst}」はマスタにありません。"
    else:
        out.institution_id = masters.institutions[inst]

    doc = values["doctor_code"]
    if doc:
        if doc not in masters.doctors:
            err["doctor_code"] = f"医師コード「{doc}」はマスタにありません。"
        else:
            out.doctor_id, doctor_inst = masters.doctors[doc]
            if doctor_inst is not None and out.institution_id is not None and doctor_inst != out.institution_id:
                err["doctor_code"] = f"医師コード「{doc}」はこの医療機関の医師ではありません。"

    maker = values["manufacturer_code"]
    if not maker:
        if not relaxed:
            err["manufacturer_code"] = "メーカーコードを入力してください。"
    elif maker not in masters.manufacturers:
        err["manufacturer_code"] = f"メーカーコード「{maker}」はマスタにありません。"
    else:
        out.manufacturer_id = masters.manufacturers[maker]

    lot = values["lot_no"].upper()
    out.lot_no = lot
    if not lot:
        if not relaxed:
            err["lot_no"] = "ロット番号を入力してください。"
    elif len(lot) > 20:
        err["lot_no"] = "ロット番号は20文字以内です。"
    elif out.manufacturer_id is not None:
        out.lot_id = masters.lots.get((out.manufacturer_id, lot))
        if out.lot_id is None and require_lot_master and not relaxed:
            err["lot_no"] = f"ロット番号「{lot}」はこのメーカーのロットマスタにありません。"

    vol = values["dose_volume_ml"]
    if vol or not relaxed:
        try:
            volume = Decimal(vol)
            if not volume.is_finite() or not MIN_VOLUME <= volume <= MAX_VOLUME or volume != volume.quantize(CENT):
                raise InvalidOperation
            out.dose_volume_ml = volume.quantize(CENT)
        except InvalidOperation:
            err["dose_volume_ml"] = f"接種量はmL単位で0.05〜1.00の数値です: {vol or '(空欄)'}"

    pay = values["copayment_amount"]
    if pay:
        if not pay.isascii() or not pay.isdigit() or len(pay) > 6:
            err["copayment_amount"] = f"自己負担徴収額は円単位の整数です: {pay}"
        else:
            out.copayment_amount = int(pay)
    return out


def _parse_day(text: str, *, strict: bool) -> datetime.date:
    if not strict:
        return parse_date(text)
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise ValueError(f"接種日はYYYYMMDDの8桁で記載してください: {text or '(空欄)'}")
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise ValueError(f"存在しない日付です: {text}") from exc


def canonical(checked: Checked) -> dict[str, str]:
    """The keyed values as comparable strings (for double entry)."""
    r = checked.raw
    return {
        "voucher_no": checked.voucher_no,
        "atena_no": checked.atena_no,
        "dose_code": checked.dose_code,
        "vaccinated_on": checked.vaccinated_on.isoformat() if checked.vaccinated_on else "",
        "institution_code": r.get("institution_code", ""),
        "doctor_code": r.get("doctor_code", ""),
        "manufacturer_code": r.get("manufacturer_code", ""),
        "lot_no": checked.lot_no,
        "dose_volume_ml": str(checked.dose_volume_ml) if checked.dose_volume_ml is not None else "",
        "copayment_amount": str(checked.copayment_amount) if checked.copayment_amount is not None else "",
    }


def record_values(record: Any) -> dict[str, str]:
    """A stored record's keyed values, in the same canonical strings (and as initial form values)."""
    return {
        "voucher_no": record.voucher.number if record.voucher_id else "",
        "atena_no": record.resident.atena_no,
        "dose_code": record.dose_code,
        "vaccinated_on": record.vaccinated_on.isoformat() if record.vaccinated_on else "",
        "institution_code": record.institution.code if record.institution_id else "",
        "doctor_code": record.doctor.code if record.doctor_id else "",
        "manufacturer_code": record.manufacturer.code if record.manufacturer_id else "",
        "lot_no": record.lot_no,
        "dose_volume_ml": str(record.dose_volume_ml) if record.dose_volume_ml is not None else "",
        "copayment_amount": str(record.copayment_amount) if record.copayment_amount is not None else "",
    }


def birth_problem(vaccinated_on: datetime.date | None, birth_date: datetime.date) -> str:
    if vaccinated_on is not None and vaccinated_on < birth_date:
        return f"接種日が生年月日({birth_date:%Y-%m-%d})より前です。"
    return ""
