import os
import tempfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.records.refunds_support import RefundingStripe
from tests.support import stripe as fake

# A worker process (tests marked `worker`) reads its settings from the environment when the
# session starts it: give it the same key and file directory the worker tests use here.
os.environ.setdefault("RECORDS_ENCRYPTION_KEYS", Fernet.generate_key().decode())
os.environ.setdefault("RECORDS_FILE_ROOT", tempfile.mkdtemp(prefix="records-files-"))


@pytest.fixture(autouse=True)
def _records_files(settings, tmp_path, request):
    """Each test keeps its files in its own directory, encrypted with a key of its own (worker
    tests share the worker's)."""
    if request.node.get_closest_marker("worker"):
        settings.RECORDS_FILE_ROOT = Path(os.environ["RECORDS_FILE_ROOT"])
        settings.RECORDS_ENCRYPTION_KEYS = os.environ["RECORDS_ENCRYPTION_KEYS"].split(",")
    else:
        settings.RECORDS_FILE_ROOT = tmp_path / "records-files"
        settings.RECORDS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture
def stripe(settings):
    """The local stand-in of Stripe's API (tests/support/stripe.py, with the refunds list and
    failed refunds of tests/records/refunds_support.py), the portal pointed at it."""
    with RefundingStripe() as stand_in:
        settings.STRIPE_SECRET_KEY = fake.SECRET_KEY
        settings.STRIPE_WEBHOOK_SECRET = fake.WEBHOOK_SECRET
        settings.STRIPE_API_BASE = stand_in.url
        yield stand_in
