import pytest
from django.core.cache import cache
from django.utils import translation

from webinars.core.selectors import forget_content_version


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty page cache and no memoised content version."""
    cache.clear()
    forget_content_version(committed=False)
    yield
    cache.clear()
    forget_content_version(committed=False)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in Russian leaves its language
    active in the thread (the locale middleware never deactivates it), so without this a
    later test would depend on which test ran before it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def committing_client(client, django_capture_on_commit_callbacks):
    """The test client, each of whose requests ends as after a real commit: the request's
    on_commit callbacks (e-mail delivery, background tasks) run before it returns.

    For plain ``db`` tests, whose transaction never commits; ``transactional_db`` is only
    for tests that need real commits (threads on their own connections, a live server).
    """
    request = client.request

    def request_then_commit(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(**kwargs)

    client.request = request_then_commit
    return client


@pytest.fixture
def demo(db):
    """The built-in demo programme (the seed's series plus the sample series)."""
    from webinars.programme.demo import demo_programme_load

    return demo_programme_load()
