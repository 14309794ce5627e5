"""What a program page's revision holds, what changed between two, and how one is put back.

A revision is a snapshot of the whole page as residents see it: the text in English and
Spanish, the officer to contact, the publishing schedule, the images (with their
descriptions and captions in both languages), the partners and the program's news items.
Restoring a revision, or approving a pending change, puts all of that back. Snapshots written
before images, partners or news were kept (no "images" or "news" key) restore only what they
hold.

Writes are the callers' (programs/services/publishing.py): these helpers run inside their
transactions and never audit on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.utils.dateparse import parse_datetime

from portal.models import Officer
from programs.models import NewsItem, Partner, Program, ProgramImage

FIELDS = [
    "title_en",
    "title_es",
    "summary_en",
    "summary_es",
    "body_en",
    "body_es",
    "contact_officer_id",
    "publish_at",
    "unpublish_at",
]


@dataclass(frozen=True)
class Inline:
    key: str
    model: type[Model]
    fields: list[str]
    files: list[str]
    label_field: str
    ordering: tuple[str, ...] = ("order", "id")


INLINES = [
    Inline(
        "images",
        ProgramImage,
        ["image", "alt_text_en", "alt_text_es", "caption_en", "caption_es", "order"],
        ["image"],
        "alt_text_en",
    ),
    Inline(
        "partners",
        Partner,
        ["name", "description_en", "description_es", "logo", "url", "order"],
        ["logo"],
        "name",
    ),
    Inline(
        "news",
        NewsItem,
        ["title_en", "title_es", "body_en", "body_es", "published_at", "is_published"],
        [],
        "title_en",
        ("-published_at", "-id"),
    ),
]


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def snapshot_of(program: Program) -> dict:
    """The page as it is in the database now."""
    data = {name: _plain(getattr(program, name)) for name in FIELDS}
    for inline in INLINES:
        rows = inline.model.objects.filter(program=program).order_by(*inline.ordering)
        data[inline.key] = [
            {"id": row.pk, **{name: _plain(getattr(row, name)) for name in inline.fields}}
            for row in rows
        ]
    return data


def snapshot_changes(before: dict | None, after: dict) -> list[str]:
    """What changed, in words staff read in the revision list: field names, and for images
    and partners which one was added, removed or changed (and in which field)."""
    if before is None:
        return []
    changed = [name.removesuffix("_id") for name in FIELDS if before.get(name) != after.get(name)]
    for inline in INLINES:
        if inline.key not in before:  # an old snapshot without images and partners
            continue
        old = {row["id"]: row for row in before.get(inline.key, []) if row.get("id")}
        new_ids = set()
        for row in after.get(inline.key, []):
            label = row.get(inline.label_field) or row.get("name") or ""
            match = old.get(row.get("id"))
            if match is None:
                changed.append(f"{inline.key}: + “{label}”")
                continue
            new_ids.add(row["id"])
            fields = [name for name in inline.fields if match.get(name) != row.get(name)]
            if fields:
                changed.append(f"{inline.key}: “{label}” ({', '.join(fields)})")
        for row_id, row in old.items():
            if row_id not in new_ids:
                changed.append(f"{inline.key}: − “{row.get(inline.label_field) or ''}”")
    return changed


def field_value(model, name: str, value):
    field = model._meta.get_field(name.removesuffix("_id"))
    if value is None or name.endswith("_id") or field.get_internal_type() == "FileField":
        return value
    if field.get_internal_type() in ("ImageField",):
        return value
    return field.to_python(value)


def snapshot_apply(program: Program, snapshot: dict) -> list[str]:
    """Make the page (row, images, partners) what the snapshot says. Returns what changed.
    The program row is saved; the caller holds its lock and the transaction."""
    before = snapshot_of(program)
    for name in FIELDS:
        if name in snapshot:
            setattr(program, name, field_value(Program, name, snapshot[name]))
    program.full_clean()
    program.save()
    for inline in INLINES:
        if inline.key not in snapshot:
            continue
        existing = {row.pk: row for row in inline.model.objects.filter(program=program)}
        kept = set()
        for data in snapshot[inline.key]:
            row = existing.get(data.get("id"))
            if row is None:
                row = inline.model(program=program)
            for name in inline.fields:
                setattr(row, name, field_value(inline.model, name, data.get(name)))
            row.full_clean(exclude=inline.files)  # a file kept by name needs no new upload
            row.save()
            kept.add(row.pk)
        for pk, row in existing.items():
            if pk not in kept:
                row.delete()
    return snapshot_changes(before, snapshot_of(program))


def snapshot_preview(program: Program, snapshot: dict) -> tuple[Program, dict[str, list]]:
    """An unsaved copy of the page as the snapshot says, for the preview: the program, and its
    images, partners and news by INLINES key (unsaved rows, in the page's order)."""
    copy = Program.objects.select_related("contact_officer").get(pk=program.pk)
    for name in FIELDS:
        if name in snapshot:
            setattr(copy, name, field_value(Program, name, snapshot[name]))
    if "contact_officer_id" in snapshot:
        copy.contact_officer = Officer.objects.filter(pk=snapshot["contact_officer_id"]).first()
    lists = {}
    for inline in INLINES:
        if inline.key not in snapshot:
            lists[inline.key] = list(
                inline.model.objects.filter(program=program).order_by(*inline.ordering)
            )
            continue
        rows = []
        for data in snapshot[inline.key]:
            row = inline.model(program=copy, pk=data.get("id"))
            for name in inline.fields:
                setattr(row, name, field_value(inline.model, name, data.get(name)))
            rows.append(row)
        lists[inline.key] = rows
    return copy, lists


def _sorted(rows: list[dict], ordering: tuple[str, ...]) -> list[dict]:
    """Snapshot rows in the inline's ordering (as `order_by(*ordering)` would give them): one
    stable sort per field, the last first. Datetimes are ISO strings in a snapshot, possibly
    with different offsets, so they are compared as instants."""

    def value(row: dict, name: str):
        raw = row.get(name)
        if isinstance(raw, str) and (moment := parse_datetime(raw)) is not None:
            return moment.timestamp()
        return raw or 0

    for field in reversed(ordering):
        name = field.lstrip("-")
        rows.sort(key=lambda row, name=name: value(row, name), reverse=field.startswith("-"))
    return rows


def snapshot_from_forms(form, formsets, *, base: dict | None = None) -> dict:
    """The page as an admin change form and its inline formsets describe it, without saving
    anything (a pending change to a published page). New uploads are stored under
    programs/pending/ and kept by name. An inline the form left untouched keeps what `base`
    (the open pending change) says."""

    def stored(value, folder: str) -> str:
        if isinstance(value, UploadedFile):
            return default_storage.save(f"{folder}/pending/{value.name}", value)
        return _plain(value) if value else ""

    instance = form.instance  # the form's values are on it (save_form(commit=False))
    data = {name: _plain(getattr(instance, name)) for name in FIELDS}
    by_model = {formset.model: formset for formset in formsets}
    for inline in INLINES:
        formset = by_model.get(inline.model)
        if formset is None or not formset.has_changed():
            if base is not None and inline.key in base:
                data[inline.key] = base[inline.key]
            else:
                data[inline.key] = snapshot_of(instance)[inline.key]
            continue
        rows = []
        for item in formset.forms:
            cleaned = getattr(item, "cleaned_data", None)
            if not cleaned or cleaned.get("DELETE"):
                continue
            original = cleaned.get("id")
            row = {"id": original.pk if original is not None else None}
            for name in inline.fields:
                value = cleaned.get(name, getattr(original, name, None) if original else None)
                if name in inline.files:
                    folder = inline.model._meta.get_field(name).upload_to.rstrip("/")
                    value = stored(value, folder)
                row[name] = _plain(value)
            rows.append(row)
        data[inline.key] = _sorted(rows, inline.ordering)
    return data
