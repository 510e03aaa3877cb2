from django.conf import settings
from django.core.management.base import BaseCommand

from ops.demo.accounts import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "デモ用アカウントの一覧を表示します。"

    def handle(self, *args, **opts):
        self.stdout.write(f"デモ用アカウント(パスワードはすべて DEMO_PASSWORD = {settings.DEMO_PASSWORD}):")
        for username, display, roles, _contractor in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {display}({'、'.join(roles) or '-'})")
