"""Publishing the transparency page's figures: small-count suppression, caching, and the
shapes the page, the CSV, the JSON and the board's PDF share.

Every figure any app registers (`portal.registry.figure_sets`) reaches a reader only through
`publish()`, so the rule below holds in every format at once.

The rule (docs/accountability.md):
1. Primary suppression: a count under 5 (0 to 4) is shown as "<5".
2. Complementary suppression: a reader must not work a withheld count out by subtraction from a
   row's or a column's sum, whether that sum is printed here, in another table, or could be
   added up from another table (the page shows the same cases by month and by neighborhood, so
   every column sum is public in effect). So in each column (across the data rows) and in each
   row (across its count columns), when the withheld cells of that line are
   - exactly one, or
   - all small, and adding up to exactly 4 for each (three cells summing to 12 are all 4),
   the smallest count still shown in that line is withheld too ("withheld"), and the check runs
   again until no line needs more. (A column withheld whole whose cells are all exactly 4 has
   its printed total withheld instead; a row withheld whole gives nothing away, as the page
   prints no row sums.) With a complementary cell in the line, the sum tells a
   reader only that the small cells are between 0 and 4 together with an unknown larger count.
3. Total rows are the true sums; a total under 5 is "<5", and a total row is a row like any
   other for rule 2 (never a member of a column's line: it is that line's sum).
4. A measure (median, rate) is shown only while every count it is worked out from is shown in
   the same row: a 95% agreement rate over 40 reviews would otherwise tell the 2 disagreements.

What this does not guard against: a reader who solves the row and column sums of a large table
together as a system of equations across more than one line at a time (a full "audit" of the
table). With the tables this page publishes (few columns) that leaves at least two unknowns per
line; docs/accountability.md says how to check a new figure set.
"""

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from portal.localtime import local_today
from portal.registry import FigurePeriod, FigureSet, FigureTable, figure_sets

PAGE_MONTHS = 24
# How long a published snapshot is kept to serve readers while a fresher one is made.
SNAPSHOT_SECONDS = 7 * 24 * 3600
REFRESH_LOCK_SECONDS = 300
SMALL = 5
SMALL_TEXT = "<5"

NONE = ""
SMALL_CELL = "small"
COMPLEMENTARY = "complementary"
WITHHELD = "withheld"  # a measure worked out from a withheld count
EMPTY = "empty"  # a measure with nothing to measure (no cases closed: no median)


@dataclass(frozen=True)
class Cell:
    """A published cell. `value` is None whenever the figure is not shown: the true value of a
    suppressed cell never leaves publish()."""

    value: int | float | None
    text: str
    status: str = NONE

    @property
    def suppressed(self) -> bool:
        return self.status in (SMALL_CELL, COMPLEMENTARY, WITHHELD)


@dataclass(frozen=True)
class PublishedColumn:
    key: str
    label: str
    kind: str
    unit: str


@dataclass(frozen=True)
class PublishedRow:
    label: str
    cells: tuple[Cell, ...]
    total: bool = False


@dataclass(frozen=True)
class PublishedTable:
    key: str
    title: str
    row_heading: str
    columns: tuple[PublishedColumn, ...]
    rows: tuple[PublishedRow, ...]
    note: str = ""
    chart_columns: tuple[str, ...] = ()
    chart_rows: int | None = None

    @property
    def data_rows(self) -> tuple[PublishedRow, ...]:
        return tuple(row for row in self.rows if not row.total)


@dataclass(frozen=True)
class PublishedSet:
    key: str
    title: str
    summary: str
    tables: tuple[PublishedTable, ...] = field(default_factory=tuple)


def _fmt(value: float, unit: str) -> str:
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:.1f}"
    else:
        text = f"{int(value)}"
    return f"{text}{unit}"


def _suppressed_counts(table: FigureTable) -> dict[tuple[int, int], str]:
    """{(row, column index): SMALL_CELL | COMPLEMENTARY} for the count cells to withhold."""
    counts = [i for i, column in enumerate(table.columns) if column.kind == "count"]
    n_rows = len(table.rows)
    data_rows = range(n_rows - table.total_rows)

    def value(r: int, c: int) -> int:
        return int(table.rows[r][c + 1] or 0)

    state: dict[tuple[int, int], str] = {}
    for r in range(n_rows):
        for c in counts:
            if value(r, c) < SMALL:
                state[(r, c)] = SMALL_CELL
    # (line, the total-row cells that are that line's sum)
    lines = [
        ([(r, c) for r in data_rows], [(r, c) for r in range(len(data_rows), n_rows)])
        for c in counts
    ]
    if len(counts) > 1:
        lines += [([(r, c) for c in counts], []) for r in range(n_rows)]
    lines = [(line, sums) for line, sums in lines if len(line) > 1]
    changed = True
    while changed:
        changed = False
        for line, sums in lines:
            withheld = [cell for cell in line if cell in state]
            if not withheld:
                continue
            all_small = all(state[cell] == SMALL_CELL for cell in withheld)
            total = sum(value(*cell) for cell in withheld)
            if not (len(withheld) == 1 or (all_small and total == 4 * len(withheld))):
                continue
            shown = [cell for cell in line if cell not in state]
            if shown:
                smallest = min(shown, key=lambda cell: (value(*cell), cell))
                state[smallest] = COMPLEMENTARY
                changed = True
            else:
                # Every cell withheld, and all exactly 4: the column's printed total would
                # give them away. Withhold the total instead.
                for cell in sums:
                    if cell not in state:
                        state[cell] = COMPLEMENTARY
                        changed = True
    return state


def publish(table: FigureTable) -> PublishedTable:
    """The one door between raw figures and any reader: applies the suppression rule above."""
    state = _suppressed_counts(table)
    keys = {column.key: i for i, column in enumerate(table.columns)}
    withheld_text = _("withheld")
    rows = []
    n_rows = len(table.rows)
    for r, raw in enumerate(table.rows):
        cells: list[Cell] = []
        for c, column in enumerate(table.columns):
            raw_value = raw[c + 1]
            if column.kind == "count":
                status = state.get((r, c), NONE)
                if status == SMALL_CELL:
                    cells.append(Cell(None, SMALL_TEXT, SMALL_CELL))
                elif status == COMPLEMENTARY:
                    cells.append(Cell(None, withheld_text, COMPLEMENTARY))
                else:
                    cells.append(Cell(int(raw_value or 0), _fmt(int(raw_value or 0), "")))
            else:
                basis_hidden = any((r, keys[key]) in state for key in column.basis)
                if basis_hidden:
                    cells.append(Cell(None, withheld_text, WITHHELD))
                elif raw_value is None:
                    cells.append(Cell(None, "—", EMPTY))
                else:
                    number = round(float(raw_value), 1)
                    cells.append(Cell(number, _fmt(number, column.unit)))
        rows.append(
            PublishedRow(
                label=str(raw[0]), cells=tuple(cells), total=r >= n_rows - table.total_rows
            )
        )
    return PublishedTable(
        key=table.key,
        title=str(table.title),
        row_heading=str(table.row_heading),
        columns=tuple(
            PublishedColumn(key=col.key, label=str(col.label), kind=col.kind, unit=col.unit)
            for col in table.columns
        ),
        rows=tuple(rows),
        note=str(table.note),
        chart_columns=table.chart.columns if table.chart else (),
        chart_rows=table.chart.rows if table.chart else None,
    )


# --- caching --------------------------------------------------------------------------------


def _version_key(set_key: str) -> str:
    return f"figures:version:{set_key}"


def figures_changed(set_key: str) -> None:
    """What figure set `set_key` counts has changed: its snapshot is stale, and the next
    reader has a worker publish a fresh one. Call it after commit
    (`transaction.on_commit(lambda: figures_changed("complaints"))`)."""
    try:
        cache.incr(_version_key(set_key))
    except ValueError:
        cache.set(_version_key(set_key), 1, None)


def page_period(today: date | None = None) -> FigurePeriod:
    """What the page shows: the last 24 months, this one included, to today."""
    today = today or local_today()
    year, month = today.year, today.month - (PAGE_MONTHS - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return FigurePeriod(start=date(year, month, 1), end=today)


def _cache_key(set_key: str, language: str, period: FigurePeriod) -> str:
    raw = f"{set_key}:{language}:{period.start}:{period.end}"
    return "figures:set:" + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def _compute(figure_set: FigureSet, period: FigurePeriod) -> PublishedSet:
    return PublishedSet(
        key=figure_set.key,
        title=str(figure_set.title),
        summary=str(figure_set.summary),
        tables=tuple(publish(table) for table in figure_set.tables(period)),
    )


def _store(figure_set: FigureSet, language: str, period: FigurePeriod, version: int):
    result = _compute(figure_set, period)
    key = _cache_key(figure_set.key, language, period)
    cache.set(key, (version, time.time(), result), SNAPSHOT_SECONDS)
    return result


def published_set(
    figure_set: FigureSet, period: FigurePeriod | None = None, *, exact: bool = False
) -> PublishedSet:
    """One figure set, published (suppressed) in the active language.

    Readers are served the last snapshot the kernel published (a summary kept in the cache
    for a week), so a page costs the same however many cases there are. A snapshot is stale
    once its app says its cases changed (`figures_changed`) or after the set's
    `cache_seconds`: the reader still gets it, and a worker publishes a fresh one
    (`portal.tasks.figures_refresh`, at most one at a time per set and language). With no
    snapshot at all (the first reader of the day: the page's period ends today) the figures
    are computed there and then. `exact=True` (the board's report) always computes."""
    period = period or page_period()
    language = translation.get_language() or "en"
    version = cache.get(_version_key(figure_set.key)) or 0
    if exact:
        return _compute(figure_set, period)
    key = _cache_key(figure_set.key, language, period)
    entry = cache.get(key)
    if entry is None:
        return _store(figure_set, language, period, version)
    stored_version, stored_at, result = entry
    if stored_version == version and time.time() - stored_at < figure_set.cache_seconds:
        return result
    if cache.add(f"{key}:refreshing", 1, REFRESH_LOCK_SECONDS):
        from portal import handoff, tasks  # noqa: PLC0415 - tasks import portal.figures

        handoff.dispatch(
            tasks.figures_refresh,
            figure_set.key,
            language,
            period.start.isoformat(),
            period.end.isoformat(),
        )
        refreshed = cache.get(key)  # a worker that runs tasks inline has refreshed it
        if refreshed is not None and refreshed[0] == version:
            return refreshed[2]
    return result


def figures_refresh(*, set_key: str, language: str, start: date, end: date) -> bool:
    """Publish a fresh snapshot of one figure set (the task behind stale snapshots)."""
    figure_set = figure_sets._items.get(set_key)
    if figure_set is None:
        return False
    period = FigurePeriod(start=start, end=end)
    key = _cache_key(set_key, language, period)
    try:
        with translation.override(language):
            version = cache.get(_version_key(set_key)) or 0
            _store(figure_set, language, period, version)
    finally:
        cache.delete(f"{key}:refreshing")
    return True


def published_sets(
    period: FigurePeriod | None = None, *, exact: bool = False
) -> list[PublishedSet]:
    """Every registered figure set, in page order, published in the active language."""
    period = period or page_period()
    return [published_set(figure_set, period, exact=exact) for figure_set in figure_sets.all()]


# --- the shapes of the downloads --------------------------------------------------------------


def as_rows(sets: list[PublishedSet]) -> list[list]:
    """The CSV: one line per published cell (long format), header first."""
    rows: list[list] = [
        [_("figure set"), _("table"), _("row"), _("column"), _("value"), _("shown as")]
    ]
    for published in sets:
        for table in published.tables:
            for row in table.rows:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    rows.append(
                        [
                            published.title,
                            table.title,
                            row.label,
                            column.label,
                            "" if cell.value is None else cell.value,
                            cell.text,
                        ]
                    )
    return rows


def as_json(sets: list[PublishedSet]) -> dict:
    return {
        "suppression": {
            "threshold": SMALL,
            "small": SMALL_TEXT,
            "explanation": _(
                "Counts under 5 are shown as “<5”. Where a small count could be worked out "
                "by subtraction from a total, another count is withheld too."
            ),
        },
        "sets": [
            {
                "key": published.key,
                "title": published.title,
                "summary": published.summary,
                "tables": [
                    {
                        "key": table.key,
                        "title": table.title,
                        "row_heading": table.row_heading,
                        "note": table.note,
                        "columns": [
                            {"key": c.key, "label": c.label, "kind": c.kind, "unit": c.unit}
                            for c in table.columns
                        ],
                        "rows": [
                            {
                                "label": row.label,
                                "total": row.total,
                                "cells": {
                                    column.key: {
                                        "value": cell.value,
                                        "text": cell.text,
                                        "suppressed": cell.status if cell.suppressed else None,
                                    }
                                    for column, cell in zip(table.columns, row.cells, strict=True)
                                },
                            }
                            for row in table.rows
                        ],
                    }
                    for table in published.tables
                ],
            }
            for published in sets
        ],
    }
