"""Retention (PIA III-3 R2: seven years): remove audit records older than the retention period, by the
procedure the trigger allows, and anchor the chain at the first record kept so verification still works."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditRecord, Event
from audit.services import access_record


class Command(BaseCommand):
    help = "保存期間(既定7年)を過ぎた監査記録を削除し、連鎖の起点を記録します。"

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="確認なしで実行")

    def handle(self, *args, **opts):
        years = settings.AUDIT_RETENTION_YEARS
        cutoff = timezone.now().replace(year=timezone.now().year - years)
        old = AuditRecord.objects.filter(timestamp__lt=cutoff)
        count = old.count()
        if not count:
            self.stdout.write("保存期間を過ぎた監査記録はありません。")
            return
        if not opts["yes"]:
            self.stdout.write(f"{count} 件が削除対象です。--yes を付けて実行してください。")
            return
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SELECT set_config('audit.purge', 'on', true)")
                cur.execute("SELECT set_config('audit.retention_years', %s, true)", [str(years)])
                cur.execute("DELETE FROM audit_auditrecord WHERE timestamp < %s", [cutoff])
                # every kept record whose predecessor is gone becomes an accepted start of the chain
                cur.execute(
                    """INSERT INTO audit_chainanchor (chain_seq, row_hash, purged_before, created_at)
                       SELECT r.chain_seq, r.row_hash, %s, now() FROM audit_auditrecord r
                        WHERE r.chain_seq > 1 AND NOT EXISTS (
                              SELECT 1 FROM audit_auditrecord p WHERE p.chain_seq = r.chain_seq - 1)
                          AND NOT EXISTS (SELECT 1 FROM audit_chainanchor a WHERE a.chain_seq = r.chain_seq)""",
                    [cutoff],
                )
            access_record(
                event=Event.DELETE,
                purpose="保存期間経過による監査記録の削除",
                detail={"deleted": count, "before": cutoff.isoformat()},
            )
        self.stdout.write(f"{count} 件を削除しました。")
