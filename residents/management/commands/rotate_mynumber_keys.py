"""Re-encrypt every My Number under the active key, online: small transactions, rows locked only while
their chunk is rewritten, so the office keeps working. Add the new key to MYNUMBER_KEYS, make it
MYNUMBER_ACTIVE_KEY_ID, deploy, run this; remove the old key only when it reports 0 left."""

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.models import Event
from audit.services import access_record
from residents import mynumber as mn
from residents.models import MyNumber


class Command(BaseCommand):
    help = "個人番号を現在の鍵で再暗号化します(無停止・分割実行)。"

    def add_arguments(self, parser):
        parser.add_argument("--chunk", type=int, default=2000)

    def handle(self, *args, **opts):
        active = mn.keyring().active_id
        done = 0
        while True:
            with transaction.atomic():
                rows = list(
                    MyNumber.objects.select_for_update(skip_locked=True)
                    .exclude(key_id=active)
                    .order_by("pk")[: opts["chunk"]]
                )
                if not rows:
                    break
                for row in rows:
                    row.key_id, row.ciphertext = mn.encrypt(mn.decrypt(row.key_id, row.ciphertext), key_id=active)
                MyNumber.objects.bulk_update(rows, ["key_id", "ciphertext"])
            done += len(rows)
            self.stdout.write(f"  {done:,} 件を再暗号化しました")
        left = MyNumber.objects.exclude(key_id=active).count()
        access_record(event=Event.BATCH, purpose="個人番号の暗号鍵更新", detail={"rotated": done, "key_id": active})
        self.stdout.write(f"完了: {done:,} 件を鍵 {active} で再暗号化しました(残り {left} 件)。")
