"""Feedback in the back office: answers per webinar for the organisers, without names.

Who sees what
-------------
* The rule "feedback.view_feedback" (``feedback.rules``): every role of a series (owner,
  editor, viewer) sees its answers, which are anonymous; superusers all. Nobody else sees
  any, and another series' summary is a 404: in the lists, the filters and the summary
  pages alike (``programme.selectors.series_for``).
* Answers are shown without the registrant: neither list nor summary names the person,
  the e-mail address or the invitation behind an answer. Invitations have no admin page
  (their times would tell who answered what).
* Nothing is added, changed or deleted here: answers come only from the survey page.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from webinars.core.admin_utils import ReadOnlyAdminMixin, RelatedOnlyFilter
from webinars.programme.admin_utils import SeriesScopedAdmin
from webinars.programme.models import Webinar
from webinars.programme.rules import may
from webinars.programme.selectors import webinars_for

from . import selectors
from .models import FeedbackResponse, Rating, Usefulness, WebinarFeedback

VIEW = "feedback.view_feedback"


def summary_url(webinar_id: int) -> str:
    return reverse("admin:feedback_webinarfeedback_summary", args=[webinar_id])


class _ReadOnly(ReadOnlyAdminMixin, SeriesScopedAdmin):
    """Read-only, for every role of the series (the rule "feedback.view_feedback")."""

    series_path = "webinar__series"
    view_perm = VIEW


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(_ReadOnly, admin.ModelAdmin):
    """Every answer, newest first, without the person who gave it."""

    list_display = ["webinar", "rating", "usefulness", "has_text", "language", "created_at", "summary_link"]
    list_filter = [("webinar__series", RelatedOnlyFilter), ("webinar", RelatedOnlyFilter), "rating", "usefulness", "language"]
    list_select_related = ["webinar"]
    list_per_page = 100
    date_hierarchy = "created_at"
    fields = readonly_fields = ["webinar", "rating", "usefulness", "improve", "topics_next", "comments", "language", "created_at"]

    @admin.display(description=_("written answers"), boolean=True)
    def has_text(self, obj: FeedbackResponse) -> bool:
        return bool(obj.improve or obj.topics_next or obj.comments)

    @admin.display(description=_("summary"))
    def summary_link(self, obj: FeedbackResponse) -> str:
        return format_html('<a href="{}">{}</a>', summary_url(obj.webinar_id), gettext("Summary of the webinar"))


@admin.register(WebinarFeedback)
class WebinarFeedbackAdmin(_ReadOnly, admin.ModelAdmin):
    """Webinars with feedback invitations, with their figures; each links to its summary page."""

    list_display = ["title_link", "series", "start_date", "invitations", "responses", "average_rating"]
    list_display_links = None
    list_filter = [("series", RelatedOnlyFilter)]
    list_select_related = ["series"]
    list_per_page = 100
    ordering = ["-start_date", "-id"]
    series_path = "series"
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Webinar]:
        return selectors.webinars_with_feedback_figures(super().get_queryset(request))

    @admin.display(description=_("webinar"), ordering="start_date")
    def title_link(self, obj: Webinar) -> str:
        return format_html('<a href="{}">{}</a>', summary_url(obj.pk), str(obj))

    @admin.display(description=_("invitations"), ordering="feedback_invitations_count")
    def invitations(self, obj: Webinar) -> int:
        return obj.feedback_invitations_count

    @admin.display(description=_("responses"), ordering="feedback_responses_count")
    def responses(self, obj: Webinar) -> int:
        return obj.feedback_responses_count

    @admin.display(description=_("average rating"), ordering="feedback_average_rating")
    def average_rating(self, obj: Webinar) -> str:
        value = obj.feedback_average_rating
        return "–" if value is None else f"{float(value):.2f}"

    def get_urls(self) -> list:
        """Only the list and the summaries: a webinar is edited on its own admin page."""
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.changelist_view), name="feedback_webinarfeedback_changelist"),
            path("<int:webinar_id>/summary/", wrap(self.summary_view), name="feedback_webinarfeedback_summary"),
        ]

    def summary_view(self, request: HttpRequest, webinar_id: int) -> HttpResponse:
        """Counts, averages, distributions and the written answers of one webinar."""
        if not may(request.user, VIEW):
            raise PermissionDenied
        webinar = webinars_for(request.user, VIEW).filter(pk=webinar_id).first()
        if webinar is None:
            raise Http404
        summary = selectors.webinar_feedback_summary(webinar)
        responses = summary["responses"]

        def rows(distribution: dict[int, int], labels: dict[int, str]) -> list[dict]:
            return [
                {"value": n, "label": labels.get(n, str(n)), "count": count, "percent": round(100 * count / responses) if responses else 0}
                for n, count in sorted(distribution.items(), reverse=True)
            ]

        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Feedback summary"),
            "subtitle": str(webinar),
            "opts": self.opts,
            "webinar": webinar,
            "summary": summary,
            "distributions": [
                (gettext("Overall rating"), rows(summary["rating_distribution"], {n: str(label) for n, label in Rating.choices})),
                (gettext("Usefulness"), rows(summary["usefulness_distribution"], {n: str(label) for n, label in Usefulness.choices})),
            ],
            "texts": [
                (gettext("What could be improved"), summary["improve"]),
                (gettext("Topics wanted next"), summary["topics_next"]),
                (gettext("Other comments"), summary["comments"]),
            ],
            "responses_url": reverse("admin:feedback_feedbackresponse_changelist") + f"?webinar__id__exact={webinar.pk}",
        }
        return TemplateResponse(request, "admin/feedback/summary.html", context)
