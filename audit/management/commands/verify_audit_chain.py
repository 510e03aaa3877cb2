from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify_chain


class Command(BaseCommand):
    help = "監査記録のハッシュ連鎖を検証します(改ざん・削除があれば最初の記録を示して異常終了)。"

    def handle(self, *args, **options):
        count, broken = verify_chain()
        if broken is not None:
            raise CommandError(f"改ざんを検出しました: {broken.message()}")
        self.stdout.write(f"監査記録 {count} 件の連鎖を確認しました。異常はありません。")
