import pytest
from django.core.cache import cache, caches
from django.utils import translation

from webinars.core.selectors import forget_content_version
from webinars.registrations.seats import forget_seat_hints


def _uses_database(request) -> bool:
    names = set(request.fixturenames)
    return bool(names & {"db", "transactional_db", "live_server"}) or request.node.get_closest_marker("django_db") is not None


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Each test starts with an empty page cache, no memoised content version and no rate-limit counts."""
    cache.clear()
    if _uses_database(request):
        if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
            request.getfixturevalue("db")  # database access opened before this fixture uses it
        caches["shared"].clear()  # a database table in the embedded setup, not rolled back by transactional tests
    forget_content_version(committed=False)
    forget_seat_hints()  # which lock a registration asks for first: what this process saw of a webinar
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
