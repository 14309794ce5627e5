"""The small-count rule of portal/figures.py: every figure set passes through publish(), so
these are the rule's own tests; test_outputs.py checks it reaches every format."""

import itertools
import random

import pytest

from portal.figures import COMPLEMENTARY, SMALL_CELL, WITHHELD, publish
from portal.registry import FigureColumn, FigureTable


def _table(rows, *, columns=("a", "b"), total_rows=0, measures=()):
    cols = tuple(FigureColumn(key, key) for key in columns) + tuple(measures)
    return FigureTable(
        key="t", title="T", row_heading="row", columns=cols, rows=rows, total_rows=total_rows
    )


def _status(published):
    return [[cell.status for cell in row.cells] for row in published.rows]


def test_counts_under_five_show_as_under_five_and_keep_no_value():
    published = publish(_table([["x", 0], ["y", 4], ["z", 5]], columns=("a",)))
    cells = [row.cells[0] for row in published.rows]
    assert [c.text for c in cells] == ["<5", "<5", "5"]
    assert [c.value for c in cells] == [None, None, 5]


def test_a_lone_small_cell_in_a_column_takes_the_smallest_other_with_it():
    # The column's sum (12 + 9 + 3 + 40 = 64) is public in effect (another table counts the
    # same cases): without a second withheld cell, 64 - 61 would give the 3.
    published = publish(_table([["w", 12], ["x", 9], ["y", 3], ["z", 40]], columns=("a",)))
    assert [row.cells[0].text for row in published.rows] == ["12", "withheld", "<5", "40"]
    assert published.rows[1].cells[0].status == COMPLEMENTARY


def test_a_lone_small_cell_in_a_row_takes_a_neighbour_too():
    published = publish(_table([["x", 30, 2], ["y", 50, 60], ["z", 20, 40]]))
    status = _status(published)
    assert status[0] == [COMPLEMENTARY, SMALL_CELL]
    # ...which leaves column a with one withheld cell: the next smallest there goes too.
    assert status[2][0] == COMPLEMENTARY


def test_small_cells_that_can_only_be_fours_are_covered():
    # Two small cells summing to 8 must both be 4: one more is withheld.
    published = publish(_table([["x", 4], ["y", 4], ["z", 7], ["w", 9]], columns=("a",)))
    assert [row.cells[0].status for row in published.rows] == [
        SMALL_CELL,
        SMALL_CELL,
        COMPLEMENTARY,
        "",
    ]


def test_a_measure_is_withheld_with_any_count_it_is_worked_out_from():
    rate = FigureColumn("rate", "rate", kind="measure", basis=("a", "b"), unit="%")
    published = publish(
        _table([["q1", 40, 2, 95.2], ["q2", 30, 10, 75.0], ["q3", 20, 8, 71.4]], measures=(rate,))
    )
    assert published.rows[0].cells[2].status == WITHHELD
    assert published.rows[0].cells[2].value is None
    assert published.rows[1].cells[2].text == "75%"


def test_total_rows_are_the_true_sums_and_are_suppressed_like_any_row():
    rows = [["x", 10, 3], ["y", 20, 1], ["Total", 30, 4]]
    published = publish(_table(rows, total_rows=1))
    total = published.rows[-1]
    assert total.total
    assert total.cells[1].text == "<5"
    # Its row now holds one withheld cell: 30 is withheld too (else 30 + b = all cases).
    assert total.cells[0].status == COMPLEMENTARY


def _attacker_can_pin(published, truth, table):
    """Whether a reader who knows every row's and column's true sum can tell the exact value
    of a cell shown as "<5" from one line: the withheld cells of a line add up to the sum
    minus what is shown; "<5" cells are 0-4, "withheld" cells at least 5."""
    counts = [i for i, c in enumerate(table.columns) if c.kind == "count"]
    n_data = len(table.rows) - table.total_rows
    lines = [([(r, c) for r in range(n_data)], c) for c in counts]
    if len(counts) > 1:
        lines += [([(r, c) for c in counts], None) for r in range(len(table.rows))]
    for line, column in lines:
        hidden = [(r, c) for r, c in line if published.rows[r].cells[c].status]
        if len(hidden) == len(line):
            # A line withheld whole: its sum is known only where the page prints it (a
            # column's total row); the page prints no row sums.
            printed = (
                column is not None
                and table.total_rows
                and not published.rows[-1].cells[column].status
            )
            if not printed:
                continue
        small = [(r, c) for r, c in hidden if published.rows[r].cells[c].status == SMALL_CELL]
        if not small:
            continue
        comps = len(hidden) - len(small)
        rest = sum(truth[r][c + 1] for r, c in hidden)
        for cell in small:
            others_small = len(small) - 1
            # The cell's range given the others: others_small cells in 0..4, comps >= 5.
            high = rest - 0 * others_small - 5 * comps
            low = rest - 4 * others_small - (10**9 if comps else 0)
            low, high = max(low, 0), min(high, 4)
            if low == high and truth[cell[0]][cell[1] + 1] > 0:
                return line, cell
    return None


@pytest.mark.parametrize("seed", range(60))
def test_no_small_count_can_be_recovered_from_a_row_or_column_sum(seed):
    """The differencing attack, against random tables of the page's shapes."""
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(2, 14), rng.randint(1, 6)
    rows = [
        [f"r{r}", *[rng.choice([0, 1, 2, 3, 4, 4, 5, 6, 9, 14, 30]) for _ in range(n_cols)]]
        for r in range(n_rows)
    ]
    if rng.random() < 0.5:
        rows.append(["Total", *[sum(row[c] for row in rows) for c in range(1, n_cols + 1)]])
        total_rows = 1
    else:
        total_rows = 0
    table = _table(rows, columns=tuple(f"c{i}" for i in range(n_cols)), total_rows=total_rows)
    published = publish(table)
    assert _attacker_can_pin(published, rows, table) is None
    for row, raw in zip(published.rows, rows, strict=True):
        for cell, value in zip(row.cells, raw[1:], strict=True):
            if value < 5:
                assert cell.text == "<5" and cell.value is None


def test_the_attack_check_itself_finds_a_lone_small_cell():
    # Published without complementary suppression, the check pins it: the test can fail.
    rows = [["x", 12], ["y", 3], ["z", 40]]
    table = _table(rows, columns=("a",))
    published = publish(table)
    naked = published.__class__(
        **{
            **published.__dict__,
            "rows": tuple(
                row.__class__(
                    label=row.label,
                    cells=tuple(
                        c if c.status != COMPLEMENTARY else c.__class__(1, "1") for c in row.cells
                    ),
                    total=row.total,
                )
                for row in published.rows
            ),
        }
    )
    assert _attacker_can_pin(naked, rows, table) is not None


def test_every_pair_of_small_values_in_a_two_cell_column_is_covered():
    for a, b in itertools.product(range(0, 7), repeat=2):
        published = publish(_table([["x", a], ["y", b], ["z", 50]], columns=("a",)))
        texts = [row.cells[0].text for row in published.rows]
        hidden = sum(1 for row in published.rows if row.cells[0].status)
        assert hidden != 1, (a, b, texts)
