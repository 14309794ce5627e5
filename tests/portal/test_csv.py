"""The kernel's CSV writer: text a spreadsheet would run as a formula is written as text."""

import csv
import datetime
import io

import pytest

from portal import csv as portal_csv


@pytest.mark.parametrize(
    "cell",
    ["=1+1", '=HYPERLINK("http://evil.example","x")', "+1", "-1+1", "@SUM(A1)", "\tx", "\rx"],
)
def test_a_cell_starting_like_a_formula_gets_an_apostrophe(cell):
    out = io.StringIO()
    portal_csv.writer(out).writerow([cell])
    assert next(csv.reader(io.StringIO(out.getvalue()), strict=True)) == ["'" + cell]


def test_other_cells_and_values_are_written_as_they_are():
    text = portal_csv.rows_to_text(
        [["name", "count", "day"], ["Main Street", -3, datetime.date(2026, 11, 23)], ["a=b", 0, ""]]
    )
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "count", "day"],
        ["Main Street", "-3", "2026-11-23"],
        ["a=b", "0", ""],
    ]
