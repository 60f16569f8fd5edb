"""The library's list of themes: one list for the whole programme, in every content language,
kept by the owners of any series and by superusers (``library.change_themes``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from webinars.core.errors import DomainError, add_to_form
from webinars.library import selectors, services
from webinars.library.models import Theme
from webinars.programme import selectors as programme_selectors

from ..access import OrganiseView
from ..forms.i18n import language_tabs, languages_with_text
from ..forms.library import ThemeForm


class ThemePage(OrganiseView):
    permission = "library.change_themes"
    change_permission = "library.change_themes"
    template_name = ""

    def page(self, status: int = 200, **context: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"view": self, **context}, status=status)


class ThemesView(ThemePage):
    template_name = "organise/library/themes.html"
    change_permission = None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(themes=list(selectors.theme_with_counts()))


class _ThemeFormPage(ThemePage):
    template_name = "organise/library/theme_form.html"
    theme: Theme | None = None

    def tabs(self, theme: Theme) -> dict[str, Any]:
        series = programme_selectors.series_for(self.request.user, "programme.view_series")
        primary = list(dict.fromkeys(code for s in series for code in (s.content_languages or []))) or ["en", "ru"]
        with_text = languages_with_text(theme.name) if theme.pk else set()
        return language_tabs(primary, with_text=with_text, chosen=self.request.POST.get("content_tab"))

    def form_page(self, form: ThemeForm, status: int = 200) -> HttpResponse:
        return self.page(status=status, form=form, theme=self.theme, language_tabs=self.tabs(form.instance))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.form_page(ThemeForm(instance=self.theme or Theme()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        instance = Theme.objects.get(pk=self.theme.pk) if self.theme else Theme()
        form = ThemeForm(request.POST, instance=instance)
        if form.is_valid():
            try:
                services.theme_save(theme=form.instance, actor=request.user)
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Theme saved."))
                return HttpResponseRedirect(reverse("organise:library_themes"))
        return self.form_page(form, status=400)


class ThemeCreateView(_ThemeFormPage):
    pass


class ThemeEditView(_ThemeFormPage):
    def load_objects(self, **kwargs: Any) -> None:
        self.theme = Theme.objects.filter(pk=kwargs["theme_id"]).first()
        if self.theme is None:
            raise Http404


class ThemeDeleteView(ThemeEditView):
    template_name = "organise/library/theme_delete.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.theme is not None
        return self.page(theme=self.theme, items=self.theme.items.count())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.theme is not None
        if request.POST.get("confirm") != "delete":  # only the confirmation page's button deletes
            return HttpResponseRedirect(request.path)
        services.theme_delete(theme=self.theme, actor=request.user)
        messages.success(request, _("Theme removed."))
        return HttpResponseRedirect(reverse("organise:library_themes"))
