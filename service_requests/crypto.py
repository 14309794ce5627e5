"""Encryption at rest for residents' contact details: the "service_requests" keyring of
portal/services/encryption.py. Keys come from SERVICE_REQUESTS_ENCRYPTION_KEYS, newest first;
with DEBUG=0 and none set, the kernel's system check (portal.E101) stops every manage.py
command."""

from portal.services.encryption import EncryptedJSONField, keyring_register

KEYRING = keyring_register(name="service_requests", setting="SERVICE_REQUESTS_ENCRYPTION_KEYS")


class ContactField(EncryptedJSONField):
    """A resident's contact details ({"name", "email", "phone"}), stored encrypted."""

    keyring_name = "service_requests"
