"""Make the audit table append-only and hash-chained, in the database itself.

- BEFORE INSERT: under a transaction-level advisory lock, take the last record's hash, number the new
  record (chain_seq) and set row_hash = sha256(prev_hash || canonical(row)).
- BEFORE UPDATE: always refused. BEFORE DELETE: refused, except a retention purge that sets
  `audit.purge = 'on'` for its transaction and removes only records older than the retention period.
"""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION audit_canonical(r audit_auditrecord) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT (to_jsonb(r) - 'row_hash' - 'prev_hash' - 'chain_seq' - 'timestamp')::text
         || '|' || r.chain_seq::text || '|' || extract(epoch FROM r.timestamp)::text
$$;

CREATE OR REPLACE FUNCTION audit_chain_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(7426001);
  SELECT chain_seq, row_hash INTO last_seq, last_hash
    FROM audit_auditrecord ORDER BY chain_seq DESC LIMIT 1;
  NEW.chain_seq := COALESCE(last_seq, 0) + 1;
  NEW.prev_hash := COALESCE(last_hash, '');
  NEW.row_hash := encode(sha256(convert_to(NEW.prev_hash || audit_canonical(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('audit.purge', true) = 'on'
     AND OLD.timestamp < now() - make_interval(years => current_setting('audit.retention_years', true)::int)
  THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '監査記録は変更・削除できません (audit records are append-only)'
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_chain BEFORE INSERT ON audit_auditrecord
  FOR EACH ROW EXECUTE FUNCTION audit_chain_before_insert();
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditrecord;
DROP TRIGGER IF EXISTS audit_chain ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_refuse_change();
DROP FUNCTION IF EXISTS audit_chain_before_insert();
DROP FUNCTION IF EXISTS audit_canonical(audit_auditrecord);
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
