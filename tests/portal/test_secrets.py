"""One list of the secrets production needs: the keyring registry. `manage.py portal_secrets`
prints it with fresh values, and every place that needs the list (docker-compose.yml, the
Makefile, the smoke scripts, the benchmarks, the README) takes it from there or is held to it."""

import io
import re

import pytest
import yaml
from cryptography.fernet import Fernet
from django.core.management import call_command

from portal.services import encryption
from tests.support.production import (
    PRODUCTION_SECRETS,
    ROOT,
    manage,
    production_env,
    production_secrets,
)

# The services of docker-compose.yml that run the portal (and so need every secret).
PORTAL_SERVICES = ("web", "worker", "scrubber", "beat", "migrate")


@pytest.fixture
def registry(monkeypatch, settings):
    """The real registry, plus a keyring and a secret registered only for this test, as a new
    feature would register them."""
    monkeypatch.setattr(encryption, "_keyrings", dict(encryption._keyrings))
    monkeypatch.setattr(encryption, "_secrets", dict(encryption._secrets))
    settings.NEWFEATURE_ENCRYPTION_KEYS = []
    settings.NEWFEATURE_PEPPER = ""
    encryption.keyring_register(name="newfeature", setting="NEWFEATURE_ENCRYPTION_KEYS")
    encryption.required_secret_register(name="a new pepper", setting="NEWFEATURE_PEPPER")


def _secrets(*args) -> dict[str, str]:
    out = io.StringIO()
    call_command("portal_secrets", *args, stdout=out)
    return dict(line.split("=", 1) for line in out.getvalue().splitlines())


def _parse(output: str) -> dict[str, str]:
    lines = output.splitlines()
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*=\S+", line) for line in lines), output
    return dict(line.split("=", 1) for line in lines)


def test_the_command_prints_secret_key_and_every_registered_keyring_and_secret(registry):
    names = list(_secrets())
    assert names == ["SECRET_KEY", *encryption.required_setting_list()]
    assert "NEWFEATURE_ENCRYPTION_KEYS" in names and "NEWFEATURE_PEPPER" in names
    assert "ALLOWED_HOSTS" not in names  # not a secret: the operator's to set


def test_a_new_keyring_and_secret_are_in_the_tests_production_secrets(registry):
    assert {"NEWFEATURE_ENCRYPTION_KEYS", "NEWFEATURE_PEPPER"} <= set(production_secrets())
    assert "NEWFEATURE_ENCRYPTION_KEYS" in production_env()


def test_names_prints_the_names_alone():
    out = io.StringIO()
    call_command("portal_secrets", "--names", stdout=out)
    assert out.getvalue().split() == ["SECRET_KEY", *PRODUCTION_SECRETS]


def test_missing_from_prints_only_what_the_env_file_does_not_set_yet(tmp_path):
    """An upgrade that adds a feature's keys: appending the whole output again would put a
    second, new value after each key already set, and what the old one encrypted is lost."""
    env_file = tmp_path / ".env"
    first, *rest = PRODUCTION_SECRETS
    env_file.write_text(
        "# the installation's secrets\n"
        "SECRET_KEY=kept\n"
        f"export {first}='kept'\n"
        "ALLOWED_HOSTS=portal.example.org\n"
    )
    missing = _secrets("--missing-from", str(env_file))
    assert list(missing) == rest
    env_file.write_text(env_file.read_text() + "".join(f"{k}={v}\n" for k, v in missing.items()))
    assert _secrets("--missing-from", str(env_file)) == {}  # run again: nothing more to add
    # A new installation: no file yet, every secret.
    assert list(_secrets("--missing-from", str(tmp_path / "none"))) == [
        "SECRET_KEY",
        *PRODUCTION_SECRETS,
    ]


def test_every_run_makes_new_values():
    first, second = _secrets(), _secrets()
    assert all(first[name] != second[name] for name in first)


def test_each_keyring_accepts_the_key_made_for_it_and_production_passes_the_check(
    registry, settings
):
    values = _secrets()
    settings.DEBUG = False
    for keyring in encryption.keyring_list():
        # As the environment gives it: the settings' env.list splits on commas.
        setattr(settings, keyring.setting, values[keyring.setting].split(","))
        if keyring.file_setting:
            setattr(settings, keyring.file_setting, "")
        Fernet(values[keyring.setting].encode())
        assert keyring.decrypt_text(keyring.encrypt_text("marker")) == "marker"
    for secret in encryption.required_secret_list():
        setattr(settings, secret.setting, values[secret.setting])
    assert encryption.check_encryption_config() == []
    assert len(values["SECRET_KEY"]) >= 50 and len(set(values["SECRET_KEY"])) >= 5


def test_a_secret_registered_twice_under_another_name_is_refused(registry):
    with pytest.raises(Exception, match="already registered"):
        encryption.required_secret_register(name="someone else's", setting="NEWFEATURE_PEPPER")


def test_production_mode_passes_its_checks_with_exactly_the_commands_output():
    made = manage("portal_secrets")  # a shell with nothing set: DEBUG defaults to 1
    assert made.returncode == 0, made.stderr
    values = _parse(made.stdout)
    assert list(values) == ["SECRET_KEY", *PRODUCTION_SECRETS]
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/unreachable",
        **values,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "portal.E10" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_command_runs_in_production_mode_while_the_keys_are_missing():
    """With DEBUG=0 every other command refuses to run without the keys (portal.E101)."""
    environment = production_env()
    for name in PRODUCTION_SECRETS:
        del environment[name]
    result = manage("portal_secrets", "--names", **environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["SECRET_KEY", *PRODUCTION_SECRETS]


# --- The places that cannot run the command ------------------------------------------------------


def _required_by_compose() -> set[str]:
    lines = (ROOT / "docker-compose.yml").read_text().splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):\?", text))


def test_docker_compose_requires_every_registered_secret_in_every_portal_service():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in PORTAL_SERVICES:
        environment = compose["services"][service]["environment"]
        for name in ("SECRET_KEY", *PRODUCTION_SECRETS):
            assert re.fullmatch(rf"\$\{{{name}:\?.+\}}", str(environment.get(name))), (
                f"docker-compose.yml: {service} must require {name} as ${{{name}:?…}}"
            )


def test_docker_compose_requires_no_secret_the_portal_does_not_know():
    assert _required_by_compose() == {"SECRET_KEY", *PRODUCTION_SECRETS}


@pytest.mark.parametrize("path", ["README.md", "docs/operations.md"])
def test_setup_instructions_make_the_secrets_with_the_command(path):
    text = (ROOT / path).read_text()
    assert "manage.py portal_secrets" in text
    for name in ("SECRET_KEY", *PRODUCTION_SECRETS):
        # No line that makes one secret by hand (`NAME=$(python3 -c …)`, `print("NAME=" …`).
        assert not re.search(rf"{name}=\$\(|\"{name}=\"", text), f"{path} makes {name} by hand"


@pytest.mark.parametrize(
    "path", ["Makefile", "docker/smoke.sh", "docker/smoke-local.sh", "bench/run.py"]
)
def test_scripts_take_the_list_of_secrets_from_the_command(path):
    text = (ROOT / path).read_text()
    assert "portal_secrets" in text
    assert not [name for name in PRODUCTION_SECRETS if name in text]
