"""Backups and restores: the database, the file stores, and which keys they need.

A backup is one tar archive (`backup_create`, run by `manage.py portal_backup`):

    manifest.json        what is in it, with a SHA-256 of every other member, and which keys and
                         secrets the data needs: each keyring's variable and a fingerprint of each
                         of its keys (never a key, never anything a key could be rebuilt from)
    database.dump        pg_dump's custom format: the whole database, consistent at one instant
    files/<store>.tar    each file store as it is on disk: MEDIA_ROOT (tip-line attachments,
                         encrypted; logos and photos) and every <APP>_FILE_ROOT setting
                         (records' and careers' files, encrypted)

`backup_restore` (`manage.py portal_restore`) refuses, before it writes anything, an archive whose
members do not match their checksums, an environment without every key and secret the manifest
names (the data would restore but never decrypt), a database that already has tables, and a file
store that is not empty. Then it restores the dump in one transaction and unpacks the stores.

The keys are the operator's to keep apart from the backups: together they are the plaintext.
A fingerprint is the first 8 bytes of SHA-256 over a fixed label and the key: enough to tell
which key is needed and whether the one at hand is it, useless for rebuilding the key (the keys
are 256 random bits; the pepper is a random token).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from portal.services import encryption

FORMAT = "portal-backup/1"
MANIFEST = "manifest.json"
DUMP = "database.dump"
_FINGERPRINT_LABEL = b"portal-backup-fingerprint\x00"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def fingerprint(secret: str) -> str:
    return hashlib.sha256(_FINGERPRINT_LABEL + secret.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class FileStore:
    name: str
    setting: str
    root: Path


def file_stores() -> list[FileStore]:
    """MEDIA_ROOT and every `<NAME>_FILE_ROOT` setting: the file stores a feature keeps (an app
    that adds one names it so, and it is backed up without a change here)."""
    stores = [FileStore("media", "MEDIA_ROOT", Path(settings.MEDIA_ROOT))]
    for setting in sorted(dir(settings)):
        if setting.endswith("_FILE_ROOT") and setting.isupper():
            value = getattr(settings, setting)
            if value:
                stores.append(
                    FileStore(setting[: -len("_FILE_ROOT")].lower(), setting, Path(value))
                )
    return stores


# --- Keys ------------------------------------------------------------------------------------


def keys_needed() -> dict:
    """Which keys and secrets this installation's data needs, by fingerprint."""
    keyrings = []
    for keyring in encryption._keyrings.values():
        configured = keyring.configured_keys()
        keys = configured or keyring.keys()  # the development key, with DEBUG=1 and none set
        keyrings.append(
            {
                "name": keyring.name,
                "variable": keyring.variables(),
                "fingerprints": [fingerprint(key) for key in keys],
                "development_key": not configured,
            }
        )
    secrets = []
    for secret in encryption._secrets.values():
        value = getattr(settings, secret.setting, "") or ""
        secrets.append(
            {
                "name": secret.name,
                "variable": secret.setting,
                "fingerprint": fingerprint(value) if value else "",
            }
        )
    return {
        "keyrings": sorted(keyrings, key=lambda k: k["name"]),
        "secrets": sorted(secrets, key=lambda s: s["variable"]),
        "also": (
            "SECRET_KEY signs the links residents were sent (permits, request tracking): restore "
            "with the same SECRET_KEY (or list it in SECRET_KEY_FALLBACKS) so they keep working."
        ),
    }


def keys_missing(manifest: dict) -> list[str]:
    """What the current environment lacks of the keys and secrets the manifest names."""
    current = keys_needed()
    have = {ring["name"]: set(ring["fingerprints"]) for ring in current["keyrings"]}
    have_secret = {secret["variable"]: secret["fingerprint"] for secret in current["secrets"]}
    missing = []
    for ring in manifest["keys"]["keyrings"]:
        lacking = [fp for fp in ring["fingerprints"] if fp not in have.get(ring["name"], set())]
        if lacking:
            missing.append(
                f"{ring['variable']} (the {ring['name']} keyring) lacks the key(s) with "
                f"fingerprint {', '.join(lacking)}"
            )
    for secret in manifest["keys"]["secrets"]:
        if secret["fingerprint"] and have_secret.get(secret["variable"]) != secret["fingerprint"]:
            missing.append(
                f"{secret['variable']} is not the one the backup was taken with "
                f"(fingerprint {secret['fingerprint']})"
            )
    return missing


# --- PostgreSQL ------------------------------------------------------------------------------


def _pg_env_and_args(alias: str) -> tuple[dict, list[str]]:
    db = connections[alias].settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://...).")
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    return env, args


def _run(command: list[str], env: dict, what: str, timeout: int = 3600) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed program with arguments, no shell
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed: {what} needs PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client)."
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{what} failed ({command[0]} exited {done.returncode}):\n{done.stderr}")
    return done.stdout


def _tool_version(program: str) -> str:
    try:
        return subprocess.run(  # noqa: S603
            [program, "--version"], capture_output=True, text=True, check=False, timeout=30
        ).stdout.strip()
    except FileNotFoundError:
        return ""


def database_is_empty(alias: str = "default") -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        return cursor.fetchone()[0] == 0


# --- Archives --------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pack_store(store: FileStore, target: Path) -> dict:
    """The store's regular files and folders into a tar (symbolic links and anything else are
    left out: a store holds files the portal wrote, nothing else)."""
    count = size = 0
    with tarfile.open(target, "w") as tar:
        if store.root.is_dir():
            for path in sorted(store.root.rglob("*")):
                if path.is_symlink() or not (path.is_file() or path.is_dir()):
                    continue
                tar.add(path, arcname=str(path.relative_to(store.root)), recursive=False)
                if path.is_file():
                    count += 1
                    size += path.stat().st_size
    return {"files": count, "bytes": size}


def _safe_members(tar: tarfile.TarFile, root: Path) -> list[tarfile.TarInfo]:
    """Refuse anything but plain files and folders inside `root` (no absolute paths, no `..`,
    no links or devices): a tampered archive must not write outside its store."""
    members = []
    resolved = root.resolve()
    for member in tar.getmembers():
        target = (resolved / member.name).resolve()
        if not (member.isfile() or member.isdir()) or (
            target != resolved and resolved not in target.parents
        ):
            raise BackupError(f"The archive holds an unsafe entry: {member.name!r}.")
        members.append(member)
    return members


def backup_create(out: BinaryIO, *, alias: str = "default", pg_dump: str = "pg_dump") -> dict:
    """Write a backup archive to `out` (a binary file or stream); returns its manifest."""
    env, args = _pg_env_and_args(alias)
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as tmp:
        work = Path(tmp)
        dump = work / DUMP
        # A consistent snapshot; no owners or grants, so the restoring role owns what it makes.
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(dump),
                *args,
            ],
            env,
            "pg_dump",
        )
        with connections[alias].cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
        recorder = MigrationRecorder(connections[alias])
        latest: dict[str, str] = {}
        for app, name in recorder.migration_qs.order_by("app", "name").values_list("app", "name"):
            latest[app] = name
        stores = []
        (work / "files").mkdir()
        for store in file_stores():
            member = f"files/{store.name}.tar"
            counts = _pack_store(store, work / member)
            stores.append(
                {
                    "name": store.name,
                    "setting": store.setting,
                    "file": member,
                    "sha256": _sha256(work / member),
                    **counts,
                }
            )
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "file": DUMP,
                "sha256": _sha256(dump),
                "bytes": dump.stat().st_size,
                "server_version": server_version,
                "pg_dump": _tool_version(pg_dump),
                "latest_migrations": latest,
            },
            "file_stores": stores,
            "keys": keys_needed(),
        }
        body = json.dumps(manifest, indent=2, sort_keys=True).encode()
        with tarfile.open(fileobj=out, mode="w|") as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(body))
            tar.add(dump, arcname=DUMP)
            for store in stores:
                tar.add(work / store["file"], arcname=store["file"])
    return manifest


def _unpack_archive(source: BinaryIO, work: Path) -> dict:
    with tarfile.open(fileobj=source, mode="r|") as tar:
        for member in tar:
            allowed = member.name in (MANIFEST, DUMP) or (
                member.name.startswith("files/")
                and member.name.count("/") == 1
                and member.name.endswith(".tar")
                and ".." not in member.name
            )
            if not (member.isfile() and allowed):
                raise BackupError(f"Not a portal backup: unexpected entry {member.name!r}.")
            target = work / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as handle:
                shutil.copyfileobj(tar.extractfile(member), handle)
    if not (work / MANIFEST).exists():
        raise BackupError("Not a portal backup: it has no manifest.json.")
    manifest = json.loads((work / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    checks = [(manifest["database"]["file"], manifest["database"]["sha256"])] + [
        (store["file"], store["sha256"]) for store in manifest["file_stores"]
    ]
    for name, digest in checks:
        path = work / name
        if not path.exists():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if _sha256(path) != digest:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    # Every store's entries too, before anything is written anywhere (a checksum only proves the
    # archive is the one the manifest describes, not who made it).
    for store in manifest["file_stores"]:
        with tarfile.open(work / store["file"]) as tar:
            _safe_members(tar, work / "check" / store["name"])
    return manifest


def backup_restore(
    source: BinaryIO,
    *,
    alias: str = "default",
    pg_restore: str = "pg_restore",
    allow_missing_keys: bool = False,
) -> dict:
    """Restore an archive from `backup_create` into an empty database and empty file stores.
    Everything is checked before anything is written. Returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack_archive(source, work)

        try:
            missing = keys_missing(manifest)
        except (ImproperlyConfigured, OSError) as exc:
            missing = [str(exc)]
        if missing and not allow_missing_keys:
            raise BackupError(
                "The data in this backup could not be read with the keys set here:\n  - "
                + "\n  - ".join(missing)
                + "\nSet the keys the backup was taken with (from where you keep them, apart from "
                "the backups), or pass --allow-missing-keys to restore data that stays unreadable."
            )

        stores = {store.name: store for store in file_stores()}
        for entry in manifest["file_stores"]:
            store = stores.get(entry["name"])
            if store is None:
                raise BackupError(
                    f"This installation has no {entry['setting']}: set it to restore the "
                    f"{entry['name']} files."
                )
            if store.root.exists() and any(store.root.iterdir()):
                raise BackupError(
                    f"{store.setting} ({store.root}) is not empty: restore into an empty file "
                    "store, so no file of the backup is mixed with others."
                )
        if not database_is_empty(alias):
            raise BackupError(
                f"The database {connections[alias].settings_dict['NAME']!r} already has tables: "
                "restore into an empty database (dropdb, createdb)."
            )

        env, args = _pg_env_and_args(alias)
        connections[alias].close()
        _run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(work / manifest["database"]["file"]),
            ],
            env,
            "pg_restore",
        )

        for entry in manifest["file_stores"]:
            root = stores[entry["name"]].root
            root.mkdir(parents=True, exist_ok=True)
            with tarfile.open(work / entry["file"]) as tar:
                members = _safe_members(tar, root)
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(root, members=members, filter="data")
                else:  # pragma: no cover - Pythons without PEP 706; members are checked above
                    tar.extractall(root, members=members)  # noqa: S202
    return manifest
