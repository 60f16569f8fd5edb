"""Response helpers shared by the apps."""

from django.http import HttpResponse


def private_response(response: HttpResponse) -> HttpResponse:
    """Mark a page that shows one person's data (or a secret link's target): never stored
    by caches, never indexed by search engines."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
