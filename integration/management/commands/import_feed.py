from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.origin import Origin
from integration.models import FeedRun
from integration.services import SOURCES, feed_import, sources_ensure


class Command(BaseCommand):
    help = "連携ファイルを1つ取り込みます(定時処理と同じ検査・反映)。不備があれば行番号付きで報告し、何も反映しません。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--source", required=True, choices=sorted(SOURCES), help="連携元コード")
        parser.add_argument("file", help="取り込むファイル")
        parser.add_argument("--dry-run", action="store_true", help="検査のみ行い、反映しない")

    def handle(self, *args, **opts):  # type: ignore[no-untyped-def]
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"ファイル {path} がありません。")
        sources_ensure()
        run = feed_import(
            source_code=opts["source"],
            data=path.read_bytes(),
            filename=path.name,
            trigger=FeedRun.Trigger.COMMAND,
            actor=None,
            origin=Origin.command(),
            dry_run=opts["dry_run"],
        )
        if run.status == FeedRun.Status.FAILED:
            for err in run.errors:
                line = f"{err['line']}行目: " if err.get("line") else ""
                self.stderr.write(f"{line}{err['message']}")
            raise CommandError(
                f"{path.name} は取り込めませんでした(エラー {len(run.errors)} 件、何も反映していません)。"
            )
        label = "検査のみ(反映なし)" if opts["dry_run"] else "取込完了"
        self.stdout.write(
            f"{label}: {path.name} 件数 {run.records:,}、反映 {run.applied:,}、反映済・変更なし {run.unchanged:,}、"
            f"古い異動(報告のみ) {run.stale:,}、{run.duration_s:.2f} 秒"
        )
        for note in run.notes:
            line = f"{note['line']}行目: " if note.get("line") else ""
            self.stdout.write(f"  {line}{note['message']}")
