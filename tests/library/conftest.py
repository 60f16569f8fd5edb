import pytest

from tests.factories import SeriesFactory, WebinarFactory
from webinars.library import services
from webinars.library.models import LibraryItem

VTT = b"""WEBVTT

00:00:01.000 --> 00:00:05.000
Welcome to the webinar on museum evacuation.

00:00:40.000 --> 00:00:45.000
Travelling exhibitions need careful packing.
"""


@pytest.fixture
def make_item(db):
    """An item stored through the service (so it is indexed when published)."""

    def make(title: dict, *, status=LibraryItem.Status.PUBLISHED, description=None, kind=LibraryItem.Kind.GUIDE, **fields):
        webinars = fields.pop("webinars", None)
        themes = fields.pop("themes", None)
        speakers = fields.pop("speakers", None)
        item = LibraryItem(title=title, description=description or {}, kind=kind, status=status, **fields)
        return services.item_save(item=item, webinars=webinars, themes=themes, speakers=speakers)

    return make


@pytest.fixture
def series_webinar(db):
    series = SeriesFactory(slug="series-a")
    return WebinarFactory(series=series, slug="alpha", title={"en": "Alpha webinar"})
