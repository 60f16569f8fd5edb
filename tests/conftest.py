import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from webinars.core.selectors import forget_content_version


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in Russian must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty page cache and no memoised content version."""
    cache.clear()
    forget_content_version()
    yield
    cache.clear()
    forget_content_version()


@pytest.fixture
def demo(db):
    """The built-in demo programme (the seed's series plus the sample series)."""
    from webinars.programme.demo import demo_programme_load

    return demo_programme_load()
