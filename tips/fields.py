"""A text field stored encrypted (Fernet, see tips/crypto.py): the database only ever holds the
token, the model holds the plain text."""

from django.db import models

from tips import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value)

    def get_internal_type(self) -> str:
        return "TextField"
