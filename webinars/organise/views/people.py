"""The directory of speakers, organisers and partners shared by the series a user works on.

Anyone with a role reads the directory of their series (public profiles only); editors add
people and organisations and change those of their series (``programme.edit_person``,
``programme.edit_organisation``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from webinars.core.errors import DomainError, add_to_form
from webinars.programme import selectors as programme_selectors
from webinars.programme import services as programme_services
from webinars.programme.models import Organisation, Person
from webinars.programme.rules import may

from ..access import SAFE_METHODS, OrganiseView
from ..forms.i18n import language_tabs, languages_with_text
from ..forms.people import OrganisationForm, PersonForm


def _plain(value: Any) -> dict[str, str]:
    data = getattr(value, "data", value)
    return {code: text for code, text in data.items() if text} if isinstance(data, dict) else {}


class DirectoryPage(OrganiseView):
    """A page of the directory: the user's series scope, the language tabs of their series."""

    permission = "programme.view_series"

    def scope(self) -> list[int] | None:
        return programme_selectors.directory_scope(self.request.user)

    def editable_series(self) -> list[Any]:
        return list(programme_selectors.series_for(self.request.user, "programme.pick_people").order_by("slug"))

    def tabs(self, *values: Any) -> dict[str, Any]:
        series = self.editable_series()
        primary = list(dict.fromkeys(code for s in series for code in (s.content_languages or []))) or ["en", "ru"]
        return language_tabs(primary, with_text=languages_with_text(*values), chosen=self.request.POST.get("content_tab"))

    def page(self, template: str, **context: Any) -> HttpResponse:
        return render(self.request, template, {"view": self, "nav": "people", **context})


class DirectoryView(DirectoryPage):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = self.scope()
        return self.page(
            "organise/people/directory.html",
            people=list(programme_selectors.directory_people(series_ids=scope)),
            organisations=list(programme_selectors.directory_organisations(series_ids=scope)),
            may_add=self.may("programme.pick_people"),
        )


class _OneEntry(DirectoryPage):
    """A person or organisation of the directory: 404 outside the user's series, 403 to change
    without the rule."""

    rule = ""
    entry: Any = None

    def load_objects(self, **kwargs: Any) -> None:
        self.entry = self.find(**kwargs)
        if self.entry is None:
            raise Http404
        if self.request.method not in SAFE_METHODS and not may(self.request.user, self.rule, self.entry):
            raise PermissionDenied

    def find(self, **kwargs: Any) -> Any:
        raise NotImplementedError


class PersonView(_OneEntry):
    rule = "programme.edit_person"

    def find(self, **kwargs: Any) -> Person | None:
        return programme_selectors.directory_person(series_ids=self.scope(), person_id=kwargs["person_id"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        talks = list(programme_selectors.person_talks_in(person=self.entry, series_ids=self.scope()))
        return self.page("organise/people/person.html", person=self.entry, talks=talks, may_change=self.may(self.rule, self.entry))


class PersonEditView(PersonView):
    change_permission = "programme.pick_people"

    def load_objects(self, **kwargs: Any) -> None:
        super().load_objects(**kwargs)
        if not may(self.request.user, self.rule, self.entry):
            raise PermissionDenied

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.form_page(PersonForm(instance=self.entry, series_choices=[]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PersonForm(request.POST, request.FILES, instance=Person.objects.get(pk=self.entry.pk), series_choices=[])
        if _save_person(request, form):
            messages.success(request, _("Profile saved."))
            return redirect("organise:person", self.entry.pk)
        return self.form_page(form)

    def form_page(self, form: PersonForm) -> HttpResponse:
        person = self.entry
        return self.page(
            "organise/people/person_form.html",
            form=form,
            person=person,
            language_tabs=self.tabs(person.name, person.affiliation, person.bio),
        )


class PersonCreateView(DirectoryPage):
    permission = "programme.pick_people"
    change_permission = "programme.pick_people"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.form_page(PersonForm(series_choices=self.editable_series()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PersonForm(request.POST, request.FILES, series_choices=self.editable_series())
        if _save_person(request, form):
            messages.success(request, _("Person added to the directory."))
            return redirect("organise:person", form.instance.pk)
        return self.form_page(form)

    def form_page(self, form: PersonForm) -> HttpResponse:
        return self.page("organise/people/person_form.html", form=form, person=None, language_tabs=self.tabs())


def _save_person(request: HttpRequest, form: PersonForm) -> bool:
    if not form.is_valid():
        return False
    try:
        programme_services.person_save(
            person=form.instance,
            actor=request.user,
            bio_markdown=_plain(form.cleaned_data.get("bio_markdown")),
            photo=form.cleaned_data.get("photo_upload"),
            remove_photo=bool(form.cleaned_data.get("remove_photo")),
        )
    except DomainError as error:
        add_to_form(form, error)
        return False
    return True


class OrganisationView(_OneEntry):
    rule = "programme.edit_organisation"

    def find(self, **kwargs: Any) -> Organisation | None:
        return programme_selectors.directory_organisation(series_ids=self.scope(), organisation_id=kwargs["organisation_id"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        involvement = programme_selectors.organisation_involvement(organisation=self.entry, series_ids=self.scope())
        return self.page(
            "organise/people/organisation.html",
            organisation=self.entry,
            involvement=involvement,
            may_change=self.may(self.rule, self.entry),
        )


class OrganisationEditView(OrganisationView):
    change_permission = "programme.pick_people"

    def load_objects(self, **kwargs: Any) -> None:
        super().load_objects(**kwargs)
        if not may(self.request.user, self.rule, self.entry):
            raise PermissionDenied

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.form_page(OrganisationForm(instance=self.entry, series_choices=[]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = OrganisationForm(request.POST, request.FILES, instance=Organisation.objects.get(pk=self.entry.pk), series_choices=[])
        if _save_organisation(request, form):
            messages.success(request, _("Organisation saved."))
            return redirect("organise:organisation", self.entry.pk)
        return self.form_page(form)

    def form_page(self, form: OrganisationForm) -> HttpResponse:
        organisation = self.entry
        return self.page(
            "organise/people/organisation_form.html",
            form=form,
            organisation=organisation,
            language_tabs=self.tabs(organisation.name, organisation.address),
        )


class OrganisationCreateView(DirectoryPage):
    permission = "programme.pick_people"
    change_permission = "programme.pick_people"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.form_page(OrganisationForm(series_choices=self.editable_series()))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = OrganisationForm(request.POST, request.FILES, series_choices=self.editable_series())
        if _save_organisation(request, form):
            messages.success(request, _("Organisation added to the directory."))
            return redirect("organise:organisation", form.instance.pk)
        return self.form_page(form)

    def form_page(self, form: OrganisationForm) -> HttpResponse:
        return self.page("organise/people/organisation_form.html", form=form, organisation=None, language_tabs=self.tabs())


def _save_organisation(request: HttpRequest, form: OrganisationForm) -> bool:
    if not form.is_valid():
        return False
    try:
        programme_services.organisation_save(
            organisation=form.instance,
            actor=request.user,
            logo=form.cleaned_data.get("logo_upload"),
            remove_logo=bool(form.cleaned_data.get("remove_logo")),
        )
    except DomainError as error:
        add_to_form(form, error)
        return False
    return True
