import pytest
from cryptography.fernet import Fernet


@pytest.fixture(autouse=True)
def _records_files(settings, tmp_path):
    """Each test keeps its files in its own directory, encrypted with a key of its own."""
    settings.RECORDS_FILE_ROOT = tmp_path / "records-files"
    settings.RECORDS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
