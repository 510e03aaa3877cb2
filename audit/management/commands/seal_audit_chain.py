from django.core.management.base import BaseCommand

from audit.seals import seal_head


class Command(BaseCommand):
    help = "監査記録の連鎖の先頭を、データベース外の封印ファイルに記録します(通常は毎時自動)。"

    def handle(self, *args, **options):
        sealed = seal_head()
        if sealed is None:
            self.stdout.write("監査記録がまだありません。")
            return
        self.stdout.write(f"監査記録 #{sealed[0]} を封印しました。")
