"""The Spanish catalogs keep up with the code.

Many residents use the portal in Spanish, so a public string added without a translation is a
bug: it shows up in English in the middle of a Spanish page. The first test regenerates the
catalogs from a copy of the source, exactly as `make messages` does, and fails on any string left
untranslated or fuzzy. The second checks that the compiled .mo files, which are what Django
actually reads, say the same as the .po files committed beside them. The third fails when two
catalogs translate the same string differently, since Django merges them and only one wins.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"

# Top-level folders that are not the portal's source (dependencies, build output, runtime data,
# and the tests and benchmarks, which `make messages` does not extract strings from either).
NOT_SOURCE = {".venv", "node_modules", "staticfiles", "var", "media", ".git", "tests", "bench"}
NOT_SOURCE_NESTED = {Path("static") / "vendor"}
CACHES = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}

# The same options as the Makefile's `messages` target.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "es",
    "--no-obsolete",
    "--add-location=file",
    "--ignore=node_modules",
    "--ignore=static",
    "--ignore=tests",
    "--ignore=bench",
    "--ignore=var",
    "--ignore=media",
    "--ignore=staticfiles",
    "--ignore=.venv",
]
GETTEXT_TOOLS = ["xgettext", "msguniq", "msgmerge", "msgattrib"]


def _catalogs(root: Path) -> list[Path]:
    """The Spanish .po files of the project under `root`, outside the folders that are not ours."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [name for name in dirnames if name not in NOT_SOURCE]
        dirnames[:] = [
            name
            for name in dirnames
            if name not in CACHES and (here / name).relative_to(root) not in NOT_SOURCE_NESTED
        ]
        if here.name == "LC_MESSAGES" and here.parent.name == "es":
            found += [here / name for name in filenames if name.endswith(".po")]
    return sorted(found)


def _copy_source(destination: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        here = Path(directory).resolve().relative_to(ROOT)
        skipped = {name for name in names if name in CACHES}
        if here == Path("."):
            skipped |= {name for name in names if name in NOT_SOURCE}
        skipped |= {name for name in names if here / name in NOT_SOURCE_NESTED}
        return skipped

    shutil.copytree(ROOT, destination, ignore=ignore, symlinks=True)


def _translations(entries) -> dict:
    """msgctxt/msgid -> msgstr (or the plural forms) of the translated, non-fuzzy entries."""
    table = {}
    for entry in entries:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = {int(index): text for index, text in entry.msgstr_plural.items()}
            if all(forms.values()):
                table[(entry.msgctxt, entry.msgid)] = forms
        elif entry.msgstr:
            table[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return table


def _untranslated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def test_every_public_string_has_a_spanish_translation(tmp_path):
    missing_tools = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing_tools:
        reason = f"needs GNU gettext on PATH ({', '.join(missing_tools)}): apt-get install gettext"
        if REQUIRE_SERVICES:
            pytest.fail(f"PORTAL_REQUIRE_SERVICES=1 but this test {reason}")
        pytest.skip(reason)

    source = tmp_path / "source"
    _copy_source(source)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    catalogs = _catalogs(source)
    assert catalogs, "makemessages produced no Spanish catalog"
    problems = []
    for catalog in catalogs:
        po = polib.pofile(str(catalog))
        offending = []
        if po.metadata_is_fuzzy:
            offending.append("(the catalog header is marked fuzzy)")
        for entry in po:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                offending.append(f"{entry.msgid!r} (fuzzy)")
            elif _untranslated(entry):
                offending.append(f"{entry.msgid!r} (untranslated)")
        if offending:
            listing = "\n".join(f"    {msgid}" for msgid in offending)
            problems.append(f"{catalog.relative_to(source)}:\n{listing}")
    assert not problems, (
        "Strings without a finished Spanish translation - run `make messages` and translate "
        "them:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("catalog", _catalogs(ROOT), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_compiled_catalog_matches_its_po_file(catalog):
    compiled = catalog.with_suffix(".mo")
    relative = compiled.relative_to(ROOT)
    assert compiled.exists(), f"{relative} is missing - run `make messages`"

    expected = _translations(polib.pofile(str(catalog)))
    actual = _translations(polib.mofile(str(compiled)))
    missing = sorted(msgid for (_, msgid) in expected.keys() - actual.keys())
    extra = sorted(msgid for (_, msgid) in actual.keys() - expected.keys())
    changed = sorted(
        key[1] for key in expected.keys() & actual.keys() if expected[key] != actual[key]
    )
    assert not (missing or extra or changed), (
        f"{relative} is out of date with its .po file - run `make messages`.\n"
        f"  not compiled yet: {missing}\n  no longer in the .po: {extra}\n  changed: {changed}"
    )


def test_no_two_catalogs_translate_the_same_string_differently():
    """Django merges every app's catalog into one per language, so for a msgid (and context)
    only one translation wins project-wide: the first app in INSTALLED_APPS that has it (with
    LOCALE_PATHS above all). If two catalogs say it differently, one app shows the other's
    wording, often the wrong gender or number. A string that labels different nouns takes a
    context (`pgettext`, `{% translate ... context ... %}`); one that means the same everywhere
    takes the same translation everywhere."""
    translations: dict[tuple, dict[str, list[str]]] = {}
    for catalog in _catalogs(ROOT):
        owner = str(catalog.relative_to(ROOT).parents[2])
        for key, text in _translations(polib.pofile(str(catalog))).items():
            translations.setdefault(key, {}).setdefault(repr(text), []).append(owner)
    clashes = []
    for (context, msgid), variants in sorted(
        translations.items(), key=lambda item: (item[0][0] or "", item[0][1])
    ):
        if len(variants) > 1:
            label = f"{msgid!r}" if context is None else f"{msgid!r} (context {context!r})"
            said = "; ".join(f"{', '.join(owners)}: {text}" for text, owners in variants.items())
            clashes.append(f"    {label} - {said}")
    assert not clashes, (
        f"{len(clashes)} strings are translated differently by two catalogs, and Django uses "
        "only one of them everywhere - give each meaning a context, or one translation:\n"
        + "\n".join(clashes)
    )


def test_our_spanish_wins_over_the_libraries_catalogs():
    """A library's catalog (Django's admin and auth, two_factor, …) must not put its wording in
    our pages: every string our catalogs translate reads, in Spanish, as our catalog says. The
    libraries come before our apps in INSTALLED_APPS, so our catalogs are LOCALE_PATHS, which
    Django reads before any app's."""
    from django.utils import translation

    overridden = []
    with translation.override("es"):
        for catalog in _catalogs(ROOT):
            for (context, msgid), text in _translations(polib.pofile(str(catalog))).items():
                if isinstance(text, dict):
                    continue  # plural forms: the same catalogs, the same order
                shown = (
                    translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                )
                if shown != text:
                    owner = catalog.relative_to(ROOT).parents[2]
                    overridden.append(f"    {owner}: {msgid!r} shows {shown!r}, not {text!r}")
    assert not overridden, "Spanish from another catalog wins over ours:\n" + "\n".join(
        sorted(set(overridden))
    )
