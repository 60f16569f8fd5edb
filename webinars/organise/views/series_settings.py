"""A series' settings (owners) and starting a new series (owners of a series, superusers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from webinars.core.errors import DomainError, add_to_form
from webinars.programme import services as programme_services
from webinars.programme.models import Series

from ..access import OrganiseView
from ..forms.i18n import language_tabs, languages_with_text
from ..forms.series import SeriesForm
from .series import SeriesSectionView


def _plain(value: Any) -> dict[str, str]:
    data = getattr(value, "data", value)
    return {code: text for code, text in data.items() if text} if isinstance(data, dict) else {}


def _tabs(request: HttpRequest, series: Series) -> dict[str, Any]:
    with_text = languages_with_text(series.title, series.summary, series.description) if series.pk else set()
    return language_tabs(series.content_languages or ["en", "ru"], with_text=with_text, chosen=request.POST.get("content_tab"))


class SeriesCreateView(OrganiseView):
    permission = "programme.add_series"
    change_permission = "programme.add_series"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, SeriesForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SeriesForm(request.POST)
        if form.is_valid():
            try:
                series = programme_services.series_create(
                    series=form.instance,
                    actor=request.user,
                    partners=form.cleaned_data["partners"],
                    description_markdown=_plain(form.cleaned_data.get("description_markdown")),
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Series created: you are its owner. Add its first webinar."))
                return redirect("organise:series", series.pk)
        return self.page(request, form)

    def page(self, request: HttpRequest, form: SeriesForm) -> HttpResponse:
        context = {"view": self, "form": form, "language_tabs": _tabs(request, form.instance)}
        return render(request, "organise/series_settings/create.html", context, status=400 if form.errors else 200)


class SeriesEditView(SeriesSectionView):
    section = "organise:series_edit"
    permission = "programme.change_series"
    change_permission = "programme.change_series"
    template_name = "organise/series_settings/edit.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, SeriesForm(instance=self.series))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.series is not None
        # The form edits a copy, so the page's heading keeps the stored title when it is refused.
        form = SeriesForm(request.POST, instance=Series.objects.get(pk=self.series.pk))
        if form.is_valid():
            try:
                programme_services.series_update(
                    series=form.instance,
                    actor=request.user,
                    partners=form.cleaned_data["partners"],
                    description_markdown=_plain(form.cleaned_data.get("description_markdown")),
                    expected_updated_at=form.cleaned_data.get("version"),
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("organise:series_edit", self.series.pk)
        return self.page(request, form)

    def page(self, request: HttpRequest, form: SeriesForm) -> HttpResponse:
        assert self.series is not None
        return self.render(request, status=400 if form.errors else 200, form=form, language_tabs=_tabs(request, self.series))
