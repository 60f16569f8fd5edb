"""Whole-page caching of anonymous public pages.

A page is stored per (content version, UI language, viewer time zone, path with query),
because those are all the inputs its HTML depends on. Editing content bumps the content
version (``core.services.content_version_bump``), which retires every stored page.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .selectors import content_version


def _page_key(request: HttpRequest) -> str:
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    tz = getattr(request, "viewer_tz_name", "")
    return f"page:{content_version()}:{translation.get_language()}:{tz}:{request.method == 'HEAD'}:{path}"


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a GET for an anonymous visitor from the cache when possible."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Without a session cookie the visitor is anonymous: skip loading session and user.
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
        cacheable = request.method in ("GET", "HEAD") and not signed_in
        if not cacheable:
            return view(request, *args, **kwargs)
        key = _page_key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers, status = stored
            response = HttpResponse(content, status=status, headers=headers)
            response["X-Page-Cache"] = "hit"
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                cache.set(
                    key,
                    # All the view's headers (Content-Type, and Content-Disposition of calendar files).
                    (response.content, dict(response.headers), response.status_code),
                    settings.PUBLIC_PAGE_CACHE_SECONDS,
                )
            response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapper


_MISSING = object()


def content_cached(name: str, *parts: object, load: Callable[[], object]) -> object:
    """``load()``'s result, kept in the cache under the content version (an edit retires it),
    e.g. the webinar a public address names: a page whose fragments are cached then needs no
    query for its content at all. Nothing is kept for ``None`` or a tuple starting with it (an
    address that is not there yet must not need an edit to appear)."""
    key = "content:" + hashlib.blake2b(repr((content_version(), name, parts)).encode(), digest_size=16).hexdigest()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = load()
        if value is not None and not (isinstance(value, tuple) and value and value[0] is None):
            cache.set(key, value, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value
