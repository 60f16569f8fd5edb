"""A series' library: its items (list, add, edit, publish, delete), their captions, the CSV import.

An item belongs to the series of the webinars it is linked to (``library.rules``): the page of
series A lists the items linked to A's webinars; an item of another series is 404 here. Viewers
see, editors change. Every write is a ``library.services`` call (logged, indexed, announced).

Captions and imports are two steps, like attendance reports: the file is read and kept
(``attendance.uploads``' private stash, named by a token the session holds), the organiser sees
what it was read as (the dry run: rows or line-numbered problems; the cues and how many
speaker labels were replaced), and only the confirmation stores anything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from webinars.attendance import uploads as stash
from webinars.core.errors import DomainError, add_to_form
from webinars.library import selectors, services
from webinars.library.importing import ImportFileError
from webinars.library.importing import __doc__ as IMPORT_FORMAT
from webinars.library.models import Caption, LibraryItem

from ..forms.i18n import language_tabs, languages_with_text
from ..forms.library import CaptionUploadForm, ImportForm, ItemFilterForm, ItemForm
from .series import SeriesSectionView

PAGE_SIZE = 50
PREVIEW_CUES = 12


class LibrarySectionView(SeriesSectionView):
    section = "organise:series_library"
    permission = "library.view_items"

    def url(self, name: str = "organise:series_library", *args: Any) -> str:
        assert self.series is not None
        return reverse(name, args=[self.series.pk, *args])


class SeriesLibraryView(LibrarySectionView):
    """The series' items, drafts included, with filters and a search over titles."""

    template_name = "organise/library/list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        themes = list(selectors.themes())
        form = ItemFilterForm(request.GET or None, themes=themes)
        filters = selectors.SeriesItemFilters(**form.cleaned_data) if form.is_valid() else selectors.SeriesItemFilters()
        items = selectors.series_items(self.series, filters)
        page = max(1, min(int(request.GET.get("page", "1")) if request.GET.get("page", "").isdigit() else 1, 10_000))
        rows = list(items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            form=form,
            items=rows[:PAGE_SIZE],
            page_number=page,
            more=len(rows) > PAGE_SIZE,
            query=query.urlencode(),
            filtered=any(vars(filters).values()),
            may_add=self.may("library.add_item"),
            may_import=self.may("library.import_items"),
            may_themes=self.may("library.change_themes"),
        )


class _ItemFormPage(LibrarySectionView):
    def tabs_for(self, item: LibraryItem) -> dict[str, Any]:
        assert self.series is not None
        with_text = languages_with_text(item.title, item.description, item.body, item.author) if item.pk else set()
        return language_tabs(self.series.content_languages or ["en"], with_text=with_text, chosen=self.request.POST.get("content_tab"))

    def save(self, form: ItemForm) -> bool:
        if not form.is_valid():
            return False
        try:
            services.item_save(item=form.instance, actor=self.request.user, **form.save_arguments())
        except DomainError as error:
            add_to_form(form, error)
            return False
        return True


class ItemCreateView(_ItemFormPage):
    permission = "library.add_item"
    change_permission = "library.add_item"
    template_name = "organise/library/item_form.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, ItemForm(instance=LibraryItem(), series=self.series))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ItemForm(request.POST, request.FILES, instance=LibraryItem(), series=self.series)
        if self.save(form):
            messages.success(request, _("Draft saved. Add captions to a recording, then publish the item when it is ready."))
            return HttpResponseRedirect(self.url("organise:series_library_item", form.instance.pk))
        return self.page(request, form, status=400)

    def page(self, request: HttpRequest, form: ItemForm, status: int = 200) -> HttpResponse:
        return self.render(request, status=status, form=form, item=None, language_tabs=self.tabs_for(form.instance))


class _OneItem(LibrarySectionView):
    """A page about one item of the series (404 when the item is not linked to this series)."""

    item: LibraryItem

    def load_objects(self, **kwargs: Any) -> None:
        super().load_objects(**kwargs)
        item = selectors.series_item(self.series, kwargs["item_id"])
        if item is None:
            raise Http404
        self.item = item

    def context(self, **extra: Any) -> dict[str, Any]:
        return super().context(item=self.item, **extra)


class ItemView(_OneItem, _ItemFormPage):
    """The item: its form (editors) or its fields (viewers), its captions, publication, deletion."""

    change_permission = "library.change_item"
    template_name = "organise/library/item.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ItemForm(instance=self.item, series=self.series) if self.may("library.change_item") else None
        return self.page(request, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The form edits a fresh copy, so the heading keeps the stored title when it is refused.
        editing = selectors.series_item(self.series, self.item.pk)
        form = ItemForm(request.POST, request.FILES, instance=editing, series=self.series)
        if self.save(form):
            messages.success(request, _("Changes saved."))
            return HttpResponseRedirect(self.url("organise:series_library_item", self.item.pk))
        return self.page(request, form, status=400)

    def page(self, request: HttpRequest, form: ItemForm | None, status: int = 200) -> HttpResponse:
        item = self.item
        return self.render(
            request,
            status=status,
            form=form,
            language_tabs=self.tabs_for(item),
            captions=list(item.captions.all()),
            public_url=item.get_absolute_url() if item.is_published else reverse("library:preview", args=[item.pk]),
            may_delete=self.may("library.delete_item"),
        )


class ItemStatusView(_OneItem):
    """Publish or unpublish: the page says what will happen, the button does it."""

    permission = "library.change_item"
    change_permission = "library.change_item"
    template_name = "organise/library/status.html"

    def get(self, request: HttpRequest, *args: Any, status: str, **kwargs: Any) -> HttpResponse:
        if self.item.status == status:
            return HttpResponseRedirect(self.url("organise:series_library_item", self.item.pk))
        return self.render(request, status_to=status)

    def post(self, request: HttpRequest, *args: Any, status: str, **kwargs: Any) -> HttpResponse:
        services.item_set_status(item=self.item, status=status, actor=request.user)
        if status == LibraryItem.Status.PUBLISHED:
            messages.success(request, _("Published: the item is in the library, with its file and captions."))
        else:
            messages.success(request, _("Back to draft: the item, its file and its captions are no longer public."))
        return HttpResponseRedirect(self.url("organise:series_library_item", self.item.pk))


class ItemDeleteView(_OneItem):
    permission = "library.delete_item"
    change_permission = "library.delete_item"
    template_name = "organise/library/delete.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render(request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("confirm") != "delete":  # only the confirmation page's button deletes
            return HttpResponseRedirect(request.path)
        services.item_delete(item=self.item, actor=request.user)
        messages.success(request, _("The item, its file and its captions are deleted."))
        return HttpResponseRedirect(self.url())


# --- captions ------------------------------------------------------------------------------------


def _take_kept_upload(request: HttpRequest, session_key: str, *, action: str, missing: str, declined: str) -> tuple[dict, bytes] | None:
    """The second step of a previewed upload: take the kept file out of the session and the stash
    (whatever the answer, it is not kept twice). Returns (what was kept, the bytes) when the
    organiser confirmed ``action`` and the file is still there; otherwise says why and returns None."""
    kept = request.session.pop(session_key, None)
    if not kept:
        messages.info(request, missing)
        return None
    data = stash.upload_read(kept["token"])
    stash.upload_discard(kept["token"])
    if request.POST.get("action") != action:
        messages.info(request, declined)
        return None
    if data is None:
        messages.error(request, _("The uploaded file is gone (it is kept for a day); upload it again."))
        return None
    return kept, data


def _caption_key(item_id: int) -> str:
    return f"organise:library-caption:{item_id}"


class CaptionsView(_OneItem):
    """The item's caption files and the upload form (step one: read, check, keep)."""

    change_permission = "library.change_item"
    template_name = "organise/library/captions.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, CaptionUploadForm(language=request.GET.get("language", "")))

    def page(self, request: HttpRequest, form: CaptionUploadForm, status: int = 200) -> HttpResponse:
        return self.render(
            request, status=status, form=form, captions=list(self.item.captions.all()), may_change=self.may("library.change_item")
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CaptionUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form, status=400)
        data = form.cleaned_data["file"].read()
        try:
            preview = services.caption_preview(item=self.item, language=form.cleaned_data["language"], data=data)
        except DomainError as error:
            add_to_form(form, error)
            return self.page(request, form, status=400)
        previous = request.session.get(_caption_key(self.item.pk))
        if previous:
            stash.upload_discard(previous["token"])
        request.session[_caption_key(self.item.pk)] = {
            "token": stash.upload_stash(data),
            "language": form.cleaned_data["language"],
            "file_name": (form.cleaned_data["file"].name or "captions.vtt")[:200],
            "cues": len(preview.cues),
            "replaced": preview.replaced,
            "kept": preview.kept,
            "sample": preview.cues[:PREVIEW_CUES],
        }
        return HttpResponseRedirect(self.url("organise:series_library_captions_confirm", self.item.pk))


class CaptionConfirmView(_OneItem):
    """Step two: "we read N cues; M speaker labels became 'Participant' — store them?"."""

    permission = "library.change_item"
    change_permission = "library.change_item"
    template_name = "organise/library/caption_confirm.html"

    def kept(self, request: HttpRequest) -> dict[str, Any] | None:
        return request.session.get(_caption_key(self.item.pk))

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kept = self.kept(request)
        if not kept:
            messages.info(request, _("Upload the caption file first."))
            return HttpResponseRedirect(self.url("organise:series_library_captions", self.item.pk))
        replacing = any(c.language == kept["language"] for c in self.item.captions.all())
        return self.render(request, kept=kept, replacing=replacing)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = self.url("organise:series_library_captions", self.item.pk)
        taken = _take_kept_upload(
            request,
            _caption_key(self.item.pk),
            action="store",
            missing=_("Upload the caption file first."),
            declined=_("Nothing was stored."),
        )
        if taken is None:
            return HttpResponseRedirect(back)
        kept, data = taken
        try:
            caption = services.caption_upload(
                item=self.item, language=kept["language"], data=data, filename=kept["file_name"], actor=request.user
            )
        except DomainError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(back)
        messages.success(
            request,
            ngettext("Captions stored: %(count)d cue.", "Captions stored: %(count)d cues.", len(caption.cues))
            % {"count": len(caption.cues)},
        )
        return HttpResponseRedirect(back)


class CaptionDeleteView(_OneItem):
    permission = "library.change_item"
    change_permission = "library.change_item"
    template_name = "organise/library/caption_delete.html"
    caption: Caption

    def load_objects(self, **kwargs: Any) -> None:
        super().load_objects(**kwargs)
        caption = next((c for c in self.item.captions.all() if c.language == kwargs["language"]), None)
        if caption is None:
            raise Http404
        self.caption = caption

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render(request, caption=self.caption)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("confirm") != "delete":  # only the confirmation page's button deletes
            return HttpResponseRedirect(request.path)
        services.caption_delete(caption=self.caption, actor=request.user)
        messages.success(request, _("Captions removed."))
        return HttpResponseRedirect(self.url("organise:series_library_captions", self.item.pk))


# --- CSV import ----------------------------------------------------------------------------------


def _import_key(series_id: int) -> str:
    return f"organise:library-import:{series_id}"


class ImportView(LibrarySectionView):
    """Step one: the file and the webinars for rows naming none; a dry run shows every problem by line."""

    permission = "library.import_items"
    change_permission = "library.import_items"
    template_name = "organise/library/import.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, ImportForm(series=self.series))

    def page(self, request: HttpRequest, form: ImportForm, status: int = 200, problems: list[str] | None = None) -> HttpResponse:
        return self.render(request, status=status, form=form, problems=problems or [], format_help=IMPORT_FORMAT)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.series is not None
        form = ImportForm(request.POST, request.FILES, series=self.series)
        if not form.is_valid():
            return self.page(request, form, status=400)
        data = form.cleaned_data["file"].read()
        webinars = list(form.cleaned_data["default_webinars"])
        try:
            rows = services.items_import_check(data=data, series=self.series, default_webinars=webinars)
        except ImportFileError as error:
            return self.page(request, form, status=400, problems=error.problems)
        previous = request.session.get(_import_key(self.series.pk))
        if previous:
            stash.upload_discard(previous["token"])
        request.session[_import_key(self.series.pk)] = {
            "token": stash.upload_stash(data),
            "file_name": (form.cleaned_data["file"].name or "items.csv")[:200],
            "webinars": [w.pk for w in webinars],
            "count": len(rows),
        }
        return HttpResponseRedirect(self.url("organise:series_library_import_confirm"))


class ImportConfirmView(LibrarySectionView):
    """Step two: the rows as they will be created; "Import" creates them all (checked again) or none."""

    permission = "library.import_items"
    change_permission = "library.import_items"
    template_name = "organise/library/import_confirm.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.series is not None
        kept = request.session.get(_import_key(self.series.pk))
        data = stash.upload_read(kept["token"]) if kept else None
        if not kept or data is None:
            messages.info(request, _("Upload the CSV file first."))
            return HttpResponseRedirect(self.url("organise:series_library_import"))
        webinars = list(selectors.series_webinar_choices(self.series).filter(pk__in=kept["webinars"]))
        try:
            rows = services.items_import_check(data=data, series=self.series, default_webinars=webinars)
        except ImportFileError as error:  # the data changed since the dry run (a theme deleted…)
            return self.render(request, status=400, kept=kept, rows=[], problems=error.problems)
        return self.render(request, kept=kept, rows=rows[:200], more=max(0, len(rows) - 200), problems=[])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.series is not None
        back = self.url("organise:series_library_import")
        taken = _take_kept_upload(
            request,
            _import_key(self.series.pk),
            action="import",
            missing=_("Upload the CSV file first."),
            declined=_("Nothing was imported."),
        )
        if taken is None:
            return HttpResponseRedirect(back)
        kept, data = taken
        webinars = list(selectors.series_webinar_choices(self.series).filter(pk__in=kept["webinars"]))
        try:
            created = services.items_import(data=data, series=self.series, default_webinars=webinars, actor=request.user)
        except DomainError as error:
            messages.error(request, _("Nothing was imported: %(error)s") % {"error": error})
            return HttpResponseRedirect(back)
        messages.success(request, ngettext("%(count)d item imported.", "%(count)d items imported.", len(created)) % {"count": len(created)})
        return HttpResponseRedirect(self.url())
