"""支払予定: when lump sums and pension instalments fall due, and how a pension's annual amount is spread
over its quarterly instalments (予防接種法施行令: paid in January, April, July and October, each paying the
months up to the one before). Date arithmetic only: no database."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from core.legal_age import fiscal_year

from ..rules import PENSION_PAY_MONTHS

PAY_DAY = 15  # pension instalments and lump sums are scheduled on the 15th


def add_months(d: datetime.date, n: int) -> datetime.date:
    """The first day of the month `n` months after d's month."""
    y, m = divmod(d.month - 1 + n, 12)
    return d.replace(year=d.year + y, month=m + 1, day=1)


def _month_end(d: datetime.date) -> datetime.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def pay_date_for_month(month: datetime.date) -> datetime.date:
    """The instalment that pays a month: the first pay month (Jan/Apr/Jul/Oct) after it."""
    nxt = add_months(month, 1)
    while nxt.month not in PENSION_PAY_MONTHS:
        nxt = add_months(nxt, 1)
    return nxt.replace(day=PAY_DAY)


def lump_due(decided_on: datetime.date) -> datetime.date:
    """Lump sums are paid on the 15th of the month after the decision."""
    return add_months(decided_on.replace(day=1), 1).replace(day=PAY_DAY)


def pension_instalments(
    *, first_month: datetime.date, last_month: datetime.date, not_before: datetime.date, annual: dict[int, int]
) -> list[dict[str, Any]]:
    """Group the months first_month..last_month into quarterly instalments.

    A month is paid at the first pay date after it; months whose pay date has passed by `not_before`
    (back pay) go into the first instalment on or after it. Each month is 1/12 of its fiscal year's
    annual amount; the yen remainder of a year goes into its March (so twelve months add up exactly).
    """
    first_pay = pay_date_for_month(add_months(not_before.replace(day=1), -1))
    if first_pay < not_before:
        first_pay = pay_date_for_month(not_before.replace(day=1))
    groups: dict[datetime.date, list[datetime.date]] = {}
    m = first_month
    while m <= last_month:
        due = max(pay_date_for_month(m), first_pay)
        groups.setdefault(due, []).append(m)
        m = add_months(m, 1)
    rows = []
    for due, months in sorted(groups.items()):
        amount = 0
        for month in months:
            yearly = annual[fiscal_year(month)]
            amount += yearly // 12 + (yearly % 12 if month.month == 3 else 0)
        rows.append(
            {
                "due_on": due,
                "period_from": months[0],
                "period_to": _month_end(months[-1]),
                "amount": amount,
                "fiscal_year": fiscal_year(due),
            }
        )
    return rows
