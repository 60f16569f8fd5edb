"""Who may open a workspace page: signed in, and the named rule on the page's series.

Every workspace view is an ``OrganiseView``: it names the rule that reading needs
(``permission``) and the rule that changing needs (``change_permission``). The series or
webinar in the URL is loaded once per request (``self.series``, ``self.webinar``) and the
rule is checked on it:

* not signed in → the sign-in page (then back);
* no role at all on that series → 404, so addresses do not reveal other series;
* a role too low for the page → 403; a POST needs ``change_permission`` (viewers change nothing).

Access is decided by series roles alone (``programme.rules``): no Django model permission
and no ``is_staff`` is needed. Superusers may do everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from webinars.programme import selectors as programme_selectors
from webinars.programme.models import Series, Webinar
from webinars.programme.rules import is_active_superuser, may, series_roles

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def has_any_role(user: Any) -> bool:
    return is_active_superuser(user) or bool(series_roles(user))


@method_decorator(never_cache, name="dispatch")
class OrganiseView(View):
    """Base of every workspace page (see the module docstring)."""

    #: the rule needed to read the page; checked on the series/webinar of the URL (or on some series).
    permission: str = "programme.view_series"
    #: the rule needed to POST; None means the page takes no POST.
    change_permission: str | None = None

    series: Series | None = None
    webinar: Webinar | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "organise:login")
        if not has_any_role(user):
            raise PermissionDenied
        self.load_objects(**kwargs)
        target = self.webinar or self.series
        if target is not None and not (is_active_superuser(user) or may(user, "programme.view_series", target)):
            raise Http404  # no role on this series: do not tell that it exists
        needed = self.permission if request.method in SAFE_METHODS else self.change_permission
        if needed is None or not may(user, needed, target):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self, **kwargs: Any) -> None:
        """Load the URL's webinar (with its series) or series, once per request."""
        if "webinar_id" in kwargs:
            self.webinar = programme_selectors.webinar_for_workspace(webinar_id=kwargs["webinar_id"])
            if self.webinar is None:
                raise Http404
            self.series = self.webinar.series
        elif "series_id" in kwargs:
            self.series = Series.objects.select_related("organiser").filter(pk=kwargs["series_id"]).first()
            if self.series is None:
                raise Http404

    def may(self, rule: str, obj: Any = None) -> bool:
        """For templates and views: does the user hold ``rule`` on ``obj`` (default: this page's webinar or series)?"""
        return may(self.request.user, rule, obj if obj is not None else (self.webinar or self.series))
