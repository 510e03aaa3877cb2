import datetime
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from audit.exports import access_log_export
from core.origin import Origin


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日付は YYYY-MM-DD で指定してください: {text}") from exc


class Command(BaseCommand):
    help = "アクセス記録をCSVで出力します(出力自体も監査記録に残ります)。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "cp932"])
        parser.add_argument("--output")
        parser.add_argument("--operator", default="", help="出力を行う職員のユーザー名(記録用)")

    def handle(self, *args, **opts):
        actor = get_user_model().objects.filter(username=opts["operator"]).first() if opts["operator"] else None
        try:
            data, count = access_log_export(
                date_from=_date(opts["date_from"]),
                date_to=_date(opts["date_to"]),
                encoding=opts["encoding"],
                actor=actor,
                origin=Origin.command(),
                channel="command",
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if opts["output"]:
            with open(opts["output"], "wb") as fh:
                fh.write(data)
            self.stderr.write(f"{count} 件を {opts['output']} に出力しました。")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
