import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.registry import modules
from residents.models import Resident


class Command(BaseCommand):
    help = "デモ用の架空の市(住民・世帯・個人番号・課税状況など)と役割ごとのアカウントを作成します。"

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-empty", action="store_true", help="住民が既にいれば何もしない")
        parser.add_argument("--force", action="store_true", help="DEBUG=false でも実行する")

    def handle(self, *args, **opts):
        if not settings.DEBUG and not opts["force"]:
            raise CommandError("DEBUG が無効です。本番環境で架空データを作らないよう停止しました(--force で実行)。")
        if not 1 <= opts["residents"] <= 1_000_000:
            raise CommandError("--residents は 1〜1,000,000 で指定してください。")
        if Resident.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("住民が登録済みのため、デモデータの作成を省略しました。")
                return
            raise CommandError("住民が既に登録されています。空のデータベースで実行してください。")
        started = time.perf_counter()
        for module in modules("demo"):
            t0 = time.perf_counter()
            rng = random.Random(f"{opts['seed']}:{module.__name__}")
            module.seed(rng=rng, residents=opts["residents"], stdout=self.stdout)
            self.stdout.write(f"  {module.__name__}: {time.perf_counter() - t0:.1f} 秒")
        self.stdout.write(f"デモの市を作成しました({opts['residents']:,} 人、{time.perf_counter() - started:.1f} 秒)。")
