"""`manage.py bench --json [--scale N]`: benchmark figures from every app, on a database of their own.

The benchmark database (`<working db>_bench_<N>`) is created, migrated and seeded once at the given scale
(by the same demo seeders as `seed_demo`), then reused; the working database is never touched. Each app's
`ops/bench/<app>.py` `run(*, scale, stdout) -> dict` contributes its figures; they are printed as one JSON object.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.management.commands.ensure_database import ensure_database


class Command(BaseCommand):
    help = "性能を測定し、結果をJSONで出力します(専用のデータベースを使用)。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="結果を1つのJSONオブジェクトで出力")
        parser.add_argument("--scale", type=int, default=400_000, help="住民数(既定 400,000)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--only", default="", help="この名前のアプリだけ測定(例: residents)")
        parser.add_argument(
            "--full", action="store_true", help="時間のかかる実測も行う(例: はがき10万枚の通知バッチ、約30分)"
        )
        parser.add_argument("--_child", default="", help=argparse_hidden())  # internal: prepare | measure

    def handle(self, *args, **opts):
        if opts["_child"]:
            return self._child(opts)
        db = dict(settings.DATABASES["default"])
        bench_name = f"{db['NAME']}_bench_{opts['scale']}"
        if db["NAME"].endswith(f"_bench_{opts['scale']}"):
            raise CommandError("ベンチマークは作業用データベースで起動してください。")
        db["NAME"] = bench_name
        ensure_database(db)
        env = dict(os.environ)
        user = db.get("USER") or "postgres"
        env["DATABASE_URL"] = f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{bench_name}"
        env["DEBUG"] = "true"  # the demo seeders refuse to run otherwise
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        py = sys.executable
        run = subprocess.run
        run([py, manage, "migrate", "--noinput", "-v0"], env=env, check=True)
        prepared = run(
            [py, manage, "bench", "--_child", "prepare", "--scale", str(opts["scale"]), "--seed", str(opts["seed"])],
            env=env,
            capture_output=True,
            text=True,
        )
        self.stderr.write(prepared.stderr)
        if prepared.returncode != 0:
            raise CommandError("ベンチマーク用データベースの準備に失敗しました(上の出力を参照)。")
        figures = json.loads(prepared.stdout.strip().splitlines()[-1])
        measured = run(
            [py, manage, "bench", "--_child", "measure", "--scale", str(opts["scale"]), "--only", opts["only"]]
            + (["--full"] if opts["full"] else []),
            env=env,
            capture_output=True,
            text=True,
        )
        self.stderr.write(measured.stderr)  # the apps' progress lines, and the traceback when one fails
        if measured.returncode != 0:
            raise CommandError("測定に失敗しました(上の出力を参照)。")
        figures.update(json.loads(measured.stdout.strip().splitlines()[-1]))
        figures["scale"] = opts["scale"]
        figures["machine"] = f"{os.cpu_count()} cores"
        if opts["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key:32} {value}")

    def _child(self, opts):
        from ops.registry import modules

        if opts["_child"] == "prepare":
            print(json.dumps(_prepare(opts["scale"], opts["seed"], self.stderr)))
            return
        figures: dict = {}
        for module in modules("bench"):
            if opts["only"] and module.__name__.rsplit(".", 1)[-1] != opts["only"]:
                continue
            self.stderr.write(f"measuring {module.__name__} …")
            extra = {"full": True} if opts["full"] and "full" in inspect.signature(module.run).parameters else {}
            figures.update(module.run(scale=opts["scale"], stdout=self.stderr, **extra))
        print(json.dumps(figures))


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


def _prepare(scale: int, seed: int, out) -> dict:  # type: ignore[no-untyped-def]
    """Seed the benchmark database once per app: an app whose seeder has not run yet (new since the last
    bench) is seeded on top; the register's seeding rate is remembered beside it."""
    import random
    import time

    from ops.models_state import bench_state_get, bench_state_set
    from ops.registry import modules
    from residents.models import Resident

    state = bench_state_get()
    done = set(state.get("seeded_modules", []))
    if state.get("seeded_scale") not in (None, scale) or (not done and Resident.objects.exists()):
        raise CommandError("ベンチマーク用データベースの内容が一致しません。削除してやり直してください。")
    timings = state.get("seed_seconds", {})
    seeded_now = False
    for module in modules("demo"):
        if module.__name__ in done:
            continue
        seeded_now = True
        t0 = time.perf_counter()
        module.seed(rng=random.Random(f"{seed}:{module.__name__}"), residents=scale, stdout=out)
        timings[module.__name__] = round(time.perf_counter() - t0, 2)
        done.add(module.__name__)
        state.update({"seeded_scale": scale, "seeded_modules": sorted(done), "seed_seconds": timings})
        if module.__name__ == "residents.demo":
            state["seed_residents_per_s"] = round(scale / timings["residents.demo"], 1)
        bench_state_set(state)
    if seeded_now:
        # What autovacuum does to a live database some minutes after a bulk load (visibility map, statistics);
        # measuring before it would time a state the office never sees.
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    return {"seed_residents_per_s": state.get("seed_residents_per_s"), "seed_seconds": timings}
