"""Register figures: searches, the resident page (full request, access record written), web memory."""

from __future__ import annotations

import random
from typing import Any

import jaconv

from ops.benchkit import client_for, p95_ms, peak_rss_mb, timed
from residents import mynumber as mn
from residents.models import MyNumber, Resident

SAMPLES = 300


def _check(response: Any) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"bench request failed: {response.status_code}")


def run(*, scale: int, stdout: Any) -> dict[str, float]:
    rng = random.Random(7)
    max_id = Resident.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(1, max_id) for _ in range(SAMPLES)]
    people = list(Resident.objects.filter(id__in=ids).values_list("id", "atena_no", "name_kana"))
    clerk = client_for("clerk")
    mynumber_staff = client_for("mynumber")

    def kana_query(kana: str) -> str:
        family, _, given = kana.partition("\u3000")
        return jaconv.kata2hira(f"{family}\u3000{given[:1]}")  # staff type hiragana, given name's first sound

    queries = [kana_query(k) for _id, _a, k in people]
    kana = timed([lambda q=q: _check(clerk.get("/residents/", {"name": q})) for q in queries])
    atena = timed([lambda a=a: _check(clerk.get("/residents/", {"atena_no": a})) for _id, a, _k in people])
    numbers = [
        mn.decrypt(k, c) for k, c in MyNumber.objects.filter(resident_id__in=ids).values_list("key_id", "ciphertext")
    ]
    by_number = timed(
        [
            lambda n=n: _check(
                mynumber_staff.post("/residents/mynumber-search/", {"mynumber": n, "purpose": "予防接種記録の管理"})
            )
            for n in numbers
        ]
    )
    page = timed([lambda i=i: _check(clerk.get(f"/residents/{i}/")) for i, _a, _k in people])
    return {
        "search_kana_p95_ms": p95_ms(kana),
        "search_atena_p95_ms": p95_ms(atena),
        "search_mynumber_p95_ms": p95_ms(by_number),
        "resident_page_p95_ms": p95_ms(page),
        "web_peak_rss_mb": peak_rss_mb(),
    }
