"""The meeting platform of a series (owners) and the meeting of a webinar (editors: state, retry, join as moderator)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from webinars.core.errors import DomainError, add_to_form
from webinars.meetings import selectors as meeting_selectors
from webinars.meetings import services as meeting_services
from webinars.meetings.models import Platform, PlatformJob

from ..forms.platform import PlatformForm
from .series import SeriesSectionView
from .webinar import WebinarSectionView


class SeriesPlatformView(SeriesSectionView):
    section = "organise:series_platform"
    permission = "meetings.manage_connection"
    change_permission = "meetings.manage_connection"
    template_name = "organise/platform/series.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.series is not None
        connection = meeting_selectors.connection_of(self.series.pk)
        return self.page(request, PlatformForm(initial=PlatformForm.initial_for(connection)))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.series is not None
        action = request.POST.get("action", "save")
        if action == "remove":
            meeting_services.connection_remove(series=self.series, actor=request.user)
            messages.success(
                request, _("The series is no longer connected to a meeting platform: paste meeting addresses into its webinars.")
            )
            return HttpResponseRedirect(request.path)
        if action == "test":
            connection = meeting_selectors.connection_of(self.series.pk)
            if connection is not None:
                result = meeting_services.connection_check(connection)
                connection.save(update_fields=["checked_at", "check_ok", "check_message", "checksum_algorithm", "host_email", "updated_at"])
                (messages.success if result.ok else messages.error)(request, result.message)
            return HttpResponseRedirect(request.path)
        form = PlatformForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _connection, result = meeting_services.connection_save(
                    series=self.series,
                    platform=data["platform"],
                    actor=request.user,
                    server_url=data["server_url"],
                    secret=data["secret"],
                    account_id=data["account_id"],
                    client_id=data["client_id"],
                    webhook_secret=data["webhook_secret"],
                    zoom_kind=data["zoom_kind"] or "meeting",
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                if result.ok:
                    messages.success(request, result.message)
                else:
                    messages.error(request, _("Saved, but the connection does not work: %(error)s") % {"error": result.message})
                return HttpResponseRedirect(request.path)
        return self.page(request, form, status=400)

    def page(self, request: HttpRequest, form: PlatformForm, status: int = 200) -> HttpResponse:
        assert self.series is not None
        connection = meeting_selectors.connection_of(self.series.pk)
        webhook_url = ""
        if connection is not None and connection.platform == Platform.ZOOM:
            webhook_url = settings.SITE_URL + reverse("meetings:zoom_webhook", args=[connection.hook_key])
        return self.render(request, status=status, form=form, connection=connection, webhook_url=webhook_url)


class WebinarMeetingView(WebinarSectionView):
    section = "organise:webinar_meeting"
    permission = "meetings.manage_meeting"
    change_permission = "meetings.manage_meeting"
    template_name = "organise/platform/meeting.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        return self.render(
            request,
            meeting=meeting_selectors.meeting_of(self.webinar.pk),
            connection=meeting_selectors.connection_of(self.webinar.series_id),
            jobs=list(meeting_selectors.open_jobs(webinar_id=self.webinar.pk)),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        job = PlatformJob.objects.filter(pk=_int(request.POST.get("job")), meeting__webinar=self.webinar).first()
        if request.POST.get("action") != "retry" or job is None:
            messages.error(request, _("Nothing to retry."))
        else:
            meeting_services.retry(job=job, actor=request.user)
            messages.success(request, _("Retry requested: the platform's answer shows on this page in a moment."))
        return HttpResponseRedirect(reverse("organise:webinar_meeting", args=[self.webinar.pk]))


class ModeratorJoinView(WebinarSectionView):
    """Organisers and speakers join as moderators (BigBlueButton); built and signed at click time."""

    permission = "meetings.manage_meeting"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        try:
            url = meeting_services.moderator_join_url(webinar=self.webinar, user=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            url = None
        if url:
            return HttpResponseRedirect(url)
        if not messages.get_messages(request):
            messages.error(request, _("The meeting is not ready on the platform yet."))
        return HttpResponseRedirect(reverse("organise:webinar_meeting", args=[self.webinar.pk]))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
