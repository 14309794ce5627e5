"""Migration operations the feature apps share.

`RunSQLOnPostgreSQL`: raw SQL that only PostgreSQL has (a trigger, a PL/pgSQL function); on
SQLite in development it does nothing. Each statement is given whole (a list), so dollar-quoted
function bodies are never split.

`AddIndexWithoutLocking`: on PostgreSQL an index is built with CREATE INDEX CONCURRENTLY, so
a table that takes writes all night (the audit log, parking permits) is not locked while it
builds; elsewhere (SQLite in development) it is a plain index. A migration that uses it sets
`atomic = False`, as PostgreSQL requires.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex, RunSQL


class RunSQLOnPostgreSQL(RunSQL):
    def __init__(self, sql: str, reverse_sql: str, **kwargs):
        super().__init__([sql], [reverse_sql], **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexWithoutLocking(AddIndexConcurrently):
    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (concurrently on PostgreSQL)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
