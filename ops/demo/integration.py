"""Demo linkage: the feed sources with a few past runs (one source left stale, so the home page shows
the flag), sample files a user can drop in (var/feeds/samples/ → var/feeds/<source>/ or the upload
form), number links, other bodies' copies for movers-in, and incoming inquiries waiting for approval.

Registers no residents: the register stays at the seeded size.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.legal_age import fiscal_year
from integration import intermediate, registry_feed
from integration.envelope import write_envelope
from integration.models import FeedRun, FeedSource, ProvisionRequest
from integration.services import sources_ensure, token_set
from integration.simulator import national
from integration.status_feed import STATUS_FORMATS
from residents.models import MyNumber, Resident

DEMO_TOKEN = "demo-registry-token"  # noqa: S105 - the real-time endpoint's bearer token for the demo registry system


def _past_runs(rng: random.Random, now: datetime.datetime) -> None:
    runs = []
    for source in FeedSource.objects.exclude(kind=FeedSource.Kind.INITIAL):
        # disability certificates: the welfare system's export stopped two days ago (shows the flag)
        last_ok_days = 2 if source.code == "disability" else 0
        for days in range(5, last_ok_days - 1, -1):
            started = (now - datetime.timedelta(days=days)).replace(hour=6, minute=5, second=0, microsecond=0)
            if started > now:
                started -= datetime.timedelta(days=1)
            records = rng.randint(30, 400) if source.code != "registry" else rng.randint(80, 180)
            runs.append(
                FeedRun(
                    source=source,
                    status=FeedRun.Status.SUCCEEDED,
                    trigger=FeedRun.Trigger.SCHEDULE,
                    filename=f"{source.code}_{started:%Y%m%d}.csv",
                    file_id=f"{source.code.upper()}{started:%Y%m%d}",
                    started_at=started,
                    finished_at=started + datetime.timedelta(seconds=3),
                    duration_s=round(rng.uniform(0.4, 3.5), 2),
                    records=records,
                    applied=records - 3,
                    unchanged=3,
                )
            )
        source.last_success_at = runs[-1].finished_at
        source.save(update_fields=["last_success_at"])
    failed_at = (now - datetime.timedelta(days=1)).replace(hour=6, minute=20, second=0, microsecond=0)
    runs.append(
        FeedRun(
            source=FeedSource.objects.get(code="disability"),
            status=FeedRun.Status.FAILED,
            trigger=FeedRun.Trigger.SCHEDULE,
            filename=f"disability_{failed_at:%Y%m%d}.csv",
            started_at=failed_at,
            finished_at=failed_at + datetime.timedelta(seconds=1),
            duration_s=0.3,
            errors=[
                {"line": 2, "message": "この様式で認められていない項目があります: diagnosis"},
            ],
        )
    )
    FeedRun.objects.bulk_create(runs)


def _sample_files(rng: random.Random, today: datetime.date) -> list[Path]:
    folder = Path(settings.INTEGRATION_INBOX) / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    people = list(
        Resident.objects.filter(
            status=Resident.Status.RESIDENT, birth_date__lt=today - datetime.timedelta(days=365 * 30)
        )
        .select_related("household")
        .order_by("id")[:400]
    )
    if len(people) < 12:
        return []
    picks = rng.sample(people, 12)
    stamp = today.strftime("%Y%m%d")
    seq = int(timezone.now().timestamp())
    top = Resident.objects.order_by("-atena_no").values_list("atena_no", flat=True).first()
    new_atena = str(int(top) + 1)
    cols = list(registry_feed.COLUMNS)

    def ev(n: int, kind: str, atena: str, **fields: str) -> list[str]:
        row = dict.fromkeys(cols, "")
        row.update(event_id=f"DEMO{stamp}-{n:04d}", seq=str(seq + n), event_type=kind, event_date=stamp, atena_no=atena)
        row.update(fields)
        return [row[c] for c in cols]

    mother = picks[0]
    events = [
        ev(
            1,
            "10",
            new_atena,
            resident_type="1",
            name=mother.name.split("\u3000")[0] + "\u3000結衣",
            name_kana=mother.name_kana.split("\u3000")[0] + "\u3000ユイ",
            sex="2",
            birth_date=(today - datetime.timedelta(days=3)).strftime("%Y%m%d"),
            event_date=(today - datetime.timedelta(days=3)).strftime("%Y%m%d"),
            household_no=mother.household.household_no,
            head_name=mother.household.head_name,
            relation1="子",
            postal_code=mother.postal_code,
            address=mother.address,
            katagaki=mother.katagaki,
            town_code=mother.town_code,
            block_code=mother.block_code,
        ),
        ev(
            2, "30", picks[1].atena_no, postal_code="4440011", address="愛知県岡崎市欠町字清水田3番地", town_code="0203"
        ),
        ev(
            3,
            "31",
            picks[2].atena_no,
            name="大樹寺\u3000" + picks[2].name.split("\u3000")[-1],
            name_kana="ダイジュウジ\u3000" + picks[2].name_kana.split("\u3000")[-1],
        ),
        ev(4, "20", picks[3].atena_no, next_address="静岡県浜松市中央区元城町103-2"),
        ev(5, "21", picks[4].atena_no),
        ev(6, "33", picks[5].atena_no, relation1="同居人"),
    ]
    written = []
    path = folder / f"registry_{stamp}.csv"
    path.write_bytes(
        write_envelope(
            fmt=registry_feed.FORMAT,
            columns=cols,
            rows=events,
            encoding="CP932",
            file_id=f"IDO{stamp}",
            created=timezone.localtime().replace(tzinfo=None),
        )
    )
    written.append(path)
    fy = fiscal_year(today)
    tax_rows = [[p.atena_no, str(fy), rng.choice("12"), rng.choice("01")] for p in picks[6:12]]
    path = folder / f"tax_{stamp}.csv"
    path.write_bytes(
        write_envelope(
            fmt=STATUS_FORMATS["tax"].format,
            columns=list(STATUS_FORMATS["tax"].columns),
            rows=tax_rows,
            encoding="CP932",
            file_id=f"ZEI{stamp}",
            created=timezone.localtime().replace(tzinfo=None),
        )
    )
    written.append(path)
    # a bad file to see the line-numbered report: a move-out for an unknown 宛番号 and a death before birth
    bad = [
        ev(101, "20", "999999999"),
        ev(102, "21", picks[7].atena_no, event_date="19000101"),
    ]
    path = folder / f"registry_bad_{stamp}.csv"
    path.write_bytes(
        write_envelope(
            fmt=registry_feed.FORMAT,
            columns=cols,
            rows=bad,
            encoding="UTF-8",
            file_id=f"BAD{stamp}",
            created=timezone.localtime().replace(tzinfo=None),
        )
    )
    written.append(path)
    return written


def _network(rng: random.Random) -> tuple[int, int]:
    """Movers-in with a history at their previous city; accounts for relief; copies and queued inquiries."""
    side = national()
    movers = list(
        Resident.objects.filter(
            status=Resident.Status.RESIDENT, became_resident_reason="転入", mynumber__isnull=False
        ).order_by("id")[:15]
    )
    vaccines = [("MR", "1期"), ("MR", "2期"), ("日本脳炎", "1期初回1回目"), ("BCG", ""), ("四種混合", "1期初回1回目")]
    for person in movers:
        intermediate.link_ensure(resident=person)
        index = MyNumber.objects.get(resident=person).blind_index
        records = [
            {
                "vaccine": v,
                "dose": d,
                "date": (person.birth_date + datetime.timedelta(days=400 + 200 * i)).isoformat(),
                "city": person.prev_address[:6] or "豊田市",
            }
            for i, (v, d) in enumerate(rng.sample(vaccines, 3))
        ]
        side.register_provider_copy(item_code="vaccination_history", blind_index=index, payload={"records": records})
        side.register_provider_copy(
            item_code="public_funds_account",
            blind_index=index,
            payload={
                "bank_code": "0005",
                "bank_name": "三菱ＵＦＪ銀行",
                "branch_code": f"{rng.randint(100, 999)}",
                "branch_name": "岡崎支店",
                "account_type": "普通",
                "account_no": f"{rng.randint(0, 9999999):07d}",
                "holder_kana": person.name_kana,
            },
        )
    ours = list(Resident.objects.filter(mynumber__isnull=False).order_by("id")[:6])
    queued = 0
    for i, person in enumerate(ours):
        link = intermediate.link_ensure(resident=person)
        intermediate.copy_register(
            resident=person,
            item_code="vaccination_history",
            payload={"records": [{"vaccine": "MR", "dose": "1期", "date": "2020-05-01", "city": "岡崎市"}]},
        )
        if i < 3:
            intermediate.copy_register(
                resident=person,
                item_code="relief_benefit",
                payload={"benefit": "医療費・医療手当", "decided_on": "2025-10-01"},
            )
        item = "relief_benefit" if i < 3 else "vaccination_history"
        req = intermediate.provision_receive(
            request_id=f"DEMO-REQ-{i + 1:03d}",
            requester=rng.choice(["豊田市長", "名古屋市長", "安城市長"]),
            requester_business="予防接種法による給付の支給" if item == "relief_benefit" else "予防接種の実施",
            item_code=item,
            unified_no=link.unified_no,
        )
        queued += req.status == ProvisionRequest.Status.PENDING
    return len(movers), queued


def seed(*, rng: random.Random, residents: int, stdout: Any) -> None:
    now = timezone.now()
    with transaction.atomic():
        sources_ensure()
        token_set(source=FeedSource.objects.get(code="registry"), token=DEMO_TOKEN)
        _past_runs(rng, now)
        movers, queued = _network(rng)
    files = _sample_files(rng, timezone.localdate())
    for code in FeedSource.objects.exclude(kind=FeedSource.Kind.INITIAL).values_list("code", flat=True):
        (Path(settings.INTEGRATION_INBOX) / code).mkdir(parents=True, exist_ok=True)
    stdout.write(
        f"  連携: 連携元 {FeedSource.objects.count()}、過去の実行 {FeedRun.objects.count()} 件、"
        f"照会できる転入者 {movers} 人、承認待ちの情報提供 {queued} 件"
    )
    if files:
        stdout.write(f"  サンプル連携ファイル: {', '.join(str(p) for p in files)}")
        stdout.write(
            f"  (連携状況の画面から取り込むか、{settings.INTEGRATION_INBOX}/<連携元>/ に置くと5分以内に取り込まれます)"
        )
