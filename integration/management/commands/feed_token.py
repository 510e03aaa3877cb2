from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError

from integration.models import FeedSource
from integration.services import sources_ensure, token_set


class Command(BaseCommand):
    help = "リアルタイム連携の送信元システム用トークンを発行します(表示は1回のみ、保存はハッシュ値)。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--source", required=True, help="連携元コード(例: registry)")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        sources_ensure()
        source = FeedSource.objects.filter(code=opts["source"], realtime=True).first()
        if source is None:
            raise CommandError(f"{opts['source']} はリアルタイム連携の連携元ではありません。")
        token = secrets.token_urlsafe(32)
        token_set(source=source, token=token)
        self.stdout.write(f"{source.name} のトークンを発行しました(以前のトークンは無効になりました)。")
        self.stdout.write(f"Authorization: Bearer {token}")
