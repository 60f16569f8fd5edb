from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import content_version
from .timezones import chooser_zones, zone_label, zone_options


def viewer(request: HttpRequest) -> dict:
    tz_name = getattr(request, "viewer_tz_name", settings.DEFAULT_VIEWER_TIME_ZONE)
    return {
        "viewer_tz_name": tz_name,
        "viewer_tz_known": getattr(request, "viewer_tz_known", False),
        "viewer_tz_invalid": getattr(request, "viewer_tz_invalid", False),
        "chooser_zones": chooser_zones(tz_name),
        "zone_options": zone_options(tz_name),
        "viewer_zone_label": zone_label(tz_name),
        "SITE_URL": settings.SITE_URL,
        # Template fragments of public content are cached under the content version (read only
        # when a template asks: {% cache page_cache_seconds name content_version ... %}).
        "content_version": SimpleLazyObject(content_version),
        "page_cache_seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
    }
