"""On PostgreSQL, make the audit log append-only in the database itself: a trigger refuses any
UPDATE or DELETE of an entry, whoever issues it. (TRUNCATE, which only an owner can run, is left
for test teardown.)"""

from django.db import migrations

from portal.migration_ops import RunSQLOnPostgreSQL

CREATE = """
CREATE OR REPLACE FUNCTION portal_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_auditentry_append_only
    BEFORE UPDATE OR DELETE ON portal_auditentry
    FOR EACH ROW EXECUTE FUNCTION portal_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS portal_auditentry_append_only ON portal_auditentry;
DROP FUNCTION IF EXISTS portal_auditentry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_staff_roles")]
    operations = [RunSQLOnPostgreSQL(CREATE, DROP)]
