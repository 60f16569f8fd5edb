"""The team section (owners): who works on the series, with which role; invite, change, remove."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from webinars.core.errors import DomainError, add_to_form
from webinars.team import selectors as team_selectors
from webinars.team import services as team_services

from ..forms.team import InviteForm, MemberForm
from .series import SeriesSectionView


class SeriesTeamView(SeriesSectionView):
    section = "organise:series_team"
    permission = "programme.manage_series_team"
    change_permission = "programme.manage_series_team"
    template_name = "organise/team/team.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, InviteForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.series is not None
        if request.POST.get("action") == "invite":
            form = InviteForm(request.POST)
            if form.is_valid():
                try:
                    user = team_services.organiser_invite(
                        series=self.series,
                        email=form.cleaned_data["email"],
                        role=form.cleaned_data["role"],
                        actor=request.user,
                        language=get_language(),
                    )
                except DomainError as error:
                    add_to_form(form, error)
                else:
                    messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email or user.username})
                    return HttpResponseRedirect(request.path)
            return self.page(request, form, status=400)
        return self.post_member(request)

    def post_member(self, request: HttpRequest) -> HttpResponse:
        assert self.series is not None
        form = MemberForm(request.POST)
        member = team_selectors.series_member(series=self.series, user_id=form.data.get("user", "0")) if form.is_valid() else None
        if member is None:
            messages.error(request, _("This person is not on the series' team."))
            return HttpResponseRedirect(request.path)
        action, user = form.cleaned_data["action"], member.user
        email = user.email or user.username
        if action == "remove" and not form.cleaned_data["confirmed"]:
            return self.render(request, template_name_override="organise/team/remove.html", member=member)
        try:
            if action == "role":
                team_services.team_member_change_role(series=self.series, user=user, role=form.cleaned_data["role"], actor=request.user)
                messages.success(
                    request, _("%(email)s is now %(role)s.") % {"email": email, "role": member.Role(form.cleaned_data["role"]).label}
                )
            elif action == "remove":
                team_services.team_member_remove(series=self.series, user=user, actor=request.user)
                messages.success(request, _("%(email)s no longer works on this series.") % {"email": email})
            else:
                team_services.organiser_invite(
                    series=self.series, email=email, role=member.role, actor=request.user, language=get_language()
                )
                messages.success(request, _("Invitation sent again to %(email)s.") % {"email": email})
        except DomainError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(request.path)

    def page(self, request: HttpRequest, form: InviteForm, status: int = 200) -> HttpResponse:
        assert self.series is not None
        return self.render(request, status=status, form=form, members=list(team_selectors.series_team(series=self.series)))

    def render(self, request: HttpRequest, status: int = 200, template_name_override: str = "", **extra: Any) -> HttpResponse:
        if template_name_override:
            self.template_name = template_name_override
        return super().render(request, status=status, **extra)
