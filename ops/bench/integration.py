"""Linkage figures: a day's registry file of 2,000 changes, and a new city's initial load of 400,000
residents with their My Numbers (COPY). Each is measured inside a transaction that is rolled back,
so the benchmark database keeps its seeded size and the figures repeat."""

from __future__ import annotations

import random
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.origin import Origin
from integration.envelope import write_envelope
from integration.models import FeedRun, RegistryCursor
from integration.services import feed_import, sources_ensure
from residents import mynumber as mn
from residents.models import MyNumber, Resident

INITIAL_ROWS = 400_000
REGISTRY_CHANGES = 2_000


class _Rollback(Exception):
    pass


def _measure(fn: Any) -> Any:
    """Run fn() in a transaction, keep its return value, undo its writes."""
    box: dict[str, Any] = {}
    try:
        with transaction.atomic():
            box["value"] = fn()
            raise _Rollback
    except _Rollback:
        pass
    return box["value"]


def registry_file(rng: random.Random, changes: int) -> bytes:
    from integration import registry_feed

    people = list(
        Resident.objects.filter(status=Resident.Status.RESIDENT)
        .order_by("?")
        .values_list("atena_no", "birth_date", "household__household_no")[: changes * 2]
    )
    top = max(RegistryCursor.objects.order_by("-last_seq").values_list("last_seq", flat=True)[:1] or [0])
    seq = max(top, int(time.time())) + 1
    max_atena = int(Resident.objects.order_by("-atena_no").values_list("atena_no", flat=True).first() or 100000000)
    today = timezone.localdate().strftime("%Y%m%d")
    cols = list(registry_feed.COLUMNS)
    rows = []
    for i in range(changes):
        atena, birth, household = people[i]
        kind = rng.choices(["30", "31", "20", "21", "10", "33"], weights=[40, 10, 20, 8, 15, 7])[0]
        row = dict.fromkeys(cols, "")
        row.update(event_id=f"BENCH-{seq + i}", seq=str(seq + i), event_type=kind, event_date=today, atena_no=atena)
        if kind == "30":
            row.update(
                postal_code="4440052", address=f"愛知県岡崎市康生町{rng.randint(1, 9)}丁目{i}番地", town_code="0101"
            )
        elif kind == "31":
            row.update(name=f"改姓　{i}", name_kana="カイセイ　タロウ")
        elif kind == "20":
            row.update(next_address="東京都世田谷区1-2-3")
        elif kind == "33":
            row.update(relation1="子")
        elif kind == "10":
            row.update(
                atena_no=str(max_atena + 1 + i),
                resident_type="1",
                name="岡崎　新生",
                name_kana="オカザキ　シンセイ",
                sex=rng.choice("12"),
                birth_date=today,
                household_no=household,
                relation1="子",
                postal_code="4440052",
                address="愛知県岡崎市康生町1丁目1番地",
            )
        elif kind == "21" and birth.strftime("%Y%m%d") > today:
            row.update(event_type="30", address="愛知県岡崎市羽根町1番地")
        rows.append([row[c] for c in cols])
    return write_envelope(
        fmt=registry_feed.FORMAT,
        columns=cols,
        rows=rows,
        encoding="CP932",
        file_id=f"BENCH{seq}",
        created=timezone.localtime().replace(tzinfo=None),
    )


def initial_file(rng: random.Random, count: int) -> bytes:
    from integration import initial_load

    taken_idx = set(MyNumber.objects.values_list("blind_index", flat=True))
    start = 800_000_000
    cols = list(initial_load.COLUMNS)
    rows = []
    seen: set[str] = set()
    for i in range(count):
        while True:
            base = f"{rng.randrange(10**11):011d}"
            number = base + str(mn.check_digit(base))
            if number not in seen and mn.blind_index(number) not in taken_idx:
                seen.add(number)
                break
        born = f"{rng.randint(1925, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        rows.append(
            [
                str(start + i),
                "1",
                "1",
                f"初期　太郎{i % 1000}",
                "ショキ　タロウ",
                "",
                "",
                "",
                rng.choice("12"),
                born,
                f"{900_000_000 + i // 2}",
                "初期　太郎",
                "世帯主" if i % 2 == 0 else "妻",
                "",
                "",
                "4440052",
                f"愛知県岡崎市康生町{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番地",
                "",
                "0101",
                "01",
                "岡崎小学校",
                "",
                born,
                "出生",
                number if rng.random() < 0.97 else "",
            ]
        )
    assert len(cols) == len(rows[0])
    return write_envelope(
        fmt=initial_load.FORMAT,
        columns=cols,
        rows=rows,
        encoding="UTF-8",
        file_id="BENCH-INITIAL",
        created=timezone.localtime().replace(tzinfo=None),
    )


def run(*, scale: int, stdout: Any) -> dict[str, float]:
    rng = random.Random(77)
    sources_ensure()
    figures: dict[str, float] = {}

    daily = registry_file(rng, REGISTRY_CHANGES)

    def apply_daily() -> float:
        t0 = time.perf_counter()
        run = feed_import(
            source_code="registry",
            data=daily,
            filename="bench_ido.csv",
            trigger=FeedRun.Trigger.COMMAND,
            actor=None,
            origin=Origin.command(),
        )
        took = time.perf_counter() - t0
        if run.status != FeedRun.Status.SUCCEEDED or run.applied != REGISTRY_CHANGES:
            raise RuntimeError(f"bench registry file not applied: {run.errors[:3]}")
        return took

    figures["registry_feed_2k_s"] = round(_measure(apply_daily), 2)
    stdout.write(f"  registry_feed_2k_s {figures['registry_feed_2k_s']}")

    big = initial_file(rng, INITIAL_ROWS)

    def apply_initial() -> float:
        t0 = time.perf_counter()
        run = feed_import(
            source_code="initial",
            data=big,
            filename="bench_shoki.csv",
            trigger=FeedRun.Trigger.COMMAND,
            actor=None,
            origin=Origin.command(),
        )
        took = time.perf_counter() - t0
        if run.status != FeedRun.Status.SUCCEEDED or run.applied != INITIAL_ROWS:
            raise RuntimeError(f"bench initial load failed: {run.errors[:3]}")
        return took

    figures["initial_load_400k_s"] = round(_measure(apply_initial), 2)
    stdout.write(f"  initial_load_400k_s {figures['initial_load_400k_s']}")
    return figures
