import pytest
from cryptography.fernet import Fernet

from portal import roles


@pytest.fixture(autouse=True)
def _careers_files(settings, tmp_path):
    """Each test keeps its files in its own directory, encrypted with a key of its own."""
    settings.CAREERS_FILE_ROOT = tmp_path / "careers-files"
    settings.CAREERS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]


@pytest.fixture
def reviewer(user_in_role):
    return user_in_role(roles.INTERNSHIP_REVIEWERS, username="rita", email="rita@example.org")
