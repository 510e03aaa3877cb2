from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify_chain
from audit.seals import check_seals


class Command(BaseCommand):
    help = (
        "監査記録のハッシュ連鎖と、データベース外に保存した封印を検証します"
        "(改ざん・削除があれば最初の記録を示して異常終了)。"
    )

    def handle(self, *args, **options):
        count, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"改ざんを検出しました: {broken.message()}")
        seals, problem = check_seals()
        if problem is not None:
            raise CommandError(f"改ざんを検出しました: {problem.message()}")
        self.stdout.write(f"監査記録 {count} 件の連鎖と封印 {seals} 件を確認しました。異常はありません。")
