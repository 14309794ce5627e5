"""The public figures: counts per month, median days to fulfil, share on time; no names."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from records.figures import figures_by_month
from records.models import ClosureReason, Status
from tests.records.factories import RecordRequestFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


@time_machine.travel(NOW)
def test_figures_count_requests_per_month_median_days_and_share_on_time():
    received = datetime(2026, 10, 5, 15, 0, tzinfo=UTC)
    for days in (2, 4, 9):
        RecordRequestFactory(
            received_at=received,
            due_date=date(2026, 10, 9),
            first_response_at=received + timedelta(days=1) if days < 9 else None,
            status=Status.CLOSED,
            closure_reason=ClosureReason.FULFILLED,
            closed_at=received + timedelta(days=days),
        )
    RecordRequestFactory(received_at=datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
    months = {m.start: m for m in figures_by_month()}
    october = months[date(2026, 10, 1)]
    assert (october.received, october.fulfilled, october.median_days) == (3, 3, 4.0)
    assert october.on_time_share == 67  # two of the three due in October answered in time
    assert months[date(2026, 11, 1)].received == 1
    assert len(months) == 12


@time_machine.travel(NOW)
def test_figures_page_shows_charts_and_the_same_figures_in_a_table_without_names(client):
    RecordRequestFactory(requester_name="Zebulon Quintero", received_at=NOW - timedelta(days=3))
    page = client.get("/records/figures/").content.decode()
    assert page.count("<svg") == 3
    assert "<table" in page and "<caption>" in page
    assert "Zebulon" not in page


def test_figures_page_costs_the_same_queries_however_many_requests(
    client, django_assert_max_num_queries
):
    RecordRequestFactory.create_batch(3)
    client.get("/records/figures/")
    from django.core.cache import cache

    cache.clear()
    RecordRequestFactory.create_batch(40)
    with django_assert_max_num_queries(4):
        client.get("/records/figures/")
