"""Give the application's database role what it needs, and nothing that could rewrite history.

Two roles, as docs/operations.md explains: the migration role owns the tables and runs
`migrate` (and this command); the application role, which web, worker and beat connect as,
reads and writes rows but owns nothing. A non-owner cannot drop or disable the audit log's
append-only trigger, and this command grants it only SELECT and INSERT on the audit log: no
UPDATE, DELETE or TRUNCATE. Run it after every `migrate` (new tables need their grants).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg2 import sql

APPEND_ONLY = ("portal_auditentry",)


class Command(BaseCommand):
    help = "Grant the application role row access to every table, append-only on the audit log."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role web, worker and beat connect as")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Roles exist on PostgreSQL only; SQLite has none to set.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(
                    f"No role {role!r}. Create it first: CREATE ROLE {role} LOGIN PASSWORD '…';"
                )
            if row[0]:
                raise CommandError(f"{role!r} is a superuser: it could drop the audit trigger.")
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
                [role],
            )
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"{role!r} owns tables: run migrate as another role, which owns them."
                )
        name = sql.Identifier(role)
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(connection.settings_dict["NAME"]), name
            ),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
            ).format(name),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
            sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {}").format(name),
            *[
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(table), name
                )
                for table in APPEND_ONLY
            ],
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"{role}: rows of every table; the audit log append-only (SELECT, INSERT)."
        )
