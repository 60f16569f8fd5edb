"""The admin's "view on site" redirect (``/admin/r/<type>/<id>/``), limited to what the user may see.

Django's own shortcut redirects any staff user to any object's address, so a draft webinar of
another series would reveal its address. Here an object that belongs to a series redirects only
for a user with a role on that series (or a superuser); any other answer is 404.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from ..rules import is_active_superuser, may, series_id_of


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    if not is_active_superuser(request.user):
        try:
            obj = ContentType.objects.get_for_id(content_type_id).get_object_for_this_type(pk=object_id)
        except (ObjectDoesNotExist, ValueError, ValidationError) as missing:
            raise Http404 from missing
        if series_id_of(obj) is None or not may(request.user, "programme.view_series", obj):
            raise Http404
    return shortcut(request, content_type_id, object_id)
