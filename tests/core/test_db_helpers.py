"""Statements sent together: one round trip on PostgreSQL, the same rows as one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SeriesFactory
from webinars.core.db import adopt_inserted, fetch_together, insert_statement
from webinars.registrations.models import Booking

pytestmark = pytest.mark.django_db


def test_an_insert_sent_with_other_statements_is_the_orms_own_and_adopts_its_key():
    series = SeriesFactory()
    booking = Booking(email="a@example.org", series=series, language="ru", time_zone="Asia/Yerevan")
    with CaptureQueriesContext(connection) as queries:
        first, inserted, last = fetch_together([("SELECT 1", []), insert_statement(booking), ("SELECT 2", [])])
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    assert (first, last) == ([(1,)], [(2,)])
    adopt_inserted(booking, inserted)
    assert not booking._state.adding
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.uuid, stored.email, stored.series_id, stored.language, stored.time_zone) == (
        booking.uuid,
        "a@example.org",
        series.pk,
        "ru",
        "Asia/Yerevan",
    )
    assert stored.created_at is not None and stored.created_at == booking.created_at  # auto_now_add, as save() sets it


def test_a_failing_statement_of_a_batch_raises():
    with pytest.raises(Exception):  # noqa: B017, PT011 -- the driver's own error class differs by database
        fetch_together([("SELECT 1", []), ("SELECT * FROM no_such_table", [])])
