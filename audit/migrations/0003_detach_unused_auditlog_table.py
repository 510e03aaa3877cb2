"""django-auditlog writes to audit.AuditRecord (AUDITLOG_LOGENTRY_MODEL); its own table stays empty.

Its foreign keys to content types and staff would block TRUNCATE of those tables (test flushes, data
resets), so they are dropped: the table is never written.
"""

from django.db import migrations

SQL = r"""
DO $$
DECLARE c record;
BEGIN
  IF to_regclass('auditlog_logentry') IS NULL THEN RETURN; END IF;
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'auditlog_logentry'::regclass AND contype = 'f'
  LOOP
    EXECUTE format('ALTER TABLE auditlog_logentry DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_chain"), ("auditlog", "__latest__")]
    operations = [migrations.RunSQL(SQL, migrations.RunSQL.noop)]
