"""The library in the workspace: an item's form, its captions, the CSV import, the themes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from webinars.core.languages import CONTENT_LANGUAGES
from webinars.core.rich_text import markdown_for_editing
from webinars.library import selectors as library_selectors
from webinars.library.models import LibraryItem, Theme
from webinars.library.services import FILE_EXTENSIONS, MAX_FILE_BYTES
from webinars.programme import selectors as programme_selectors
from webinars.programme.models import Person, Webinar

from .i18n import ContentFormMixin, content_field
from .webinar import MARKDOWN_HELP


def _plain(value: Any) -> dict[str, str]:
    data = getattr(value, "data", value)
    return {code: text for code, text in data.items() if text} if isinstance(data, dict) else {}


class ItemFilterForm(forms.Form):
    """The filters above a series' items (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200, help_text=_("Words of the title, author or address."))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", _("Any")), *CONTENT_LANGUAGES])

    def __init__(self, *args: Any, themes: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any")), *LibraryItem.Kind.choices]
        self.fields["status"].choices = [("", _("Any")), *LibraryItem.Status.choices]
        self.fields["theme"].choices = [("", _("Any")), *((t.slug, str(t)) for t in themes)]


class ItemForm(ContentFormMixin, forms.ModelForm):
    """All of an item's fields; the webinars offered are those of the series of the page."""

    body_markdown = content_field(_("Text"), long=True, help_text=MARKDOWN_HELP)
    languages = forms.MultipleChoiceField(
        label=_("Languages of the item"), required=False, choices=CONTENT_LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), required=False, queryset=Theme.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    item_countries = forms.MultipleChoiceField(
        label=_("Countries"), required=False, help_text=_("Hold Ctrl (⌘ on a Mac) to choose several.")
    )
    webinars = forms.ModelMultipleChoiceField(
        label=_("Webinars"),
        queryset=Webinar.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The item belongs to the series of its webinars and is shown on their pages."),
    )
    speakers = forms.ModelMultipleChoiceField(label=_("Speakers"), required=False, queryset=Person.objects.none())
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, slides, documents, data, audio or video. Private until the item is published."),
    )
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)

    fieldsets = [
        (_("Texts"), ["title", "description", "body_markdown", "author"]),
        (_("The resource"), ["kind", "url", "upload", "remove_file", "licence", "date", "organisation"]),
        (_("Languages"), ["original_language", "languages"]),
        (_("Belongs to"), ["webinars", "speakers", "themes", "item_countries"]),
    ]

    class Meta:
        model = LibraryItem
        fields = ["title", "description", "author", "kind", "url", "licence", "date", "organisation", "original_language"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.series = series
        item: LibraryItem = self.instance
        self.fields["webinars"].queryset = library_selectors.series_webinar_choices(series)
        self.fields["themes"].queryset = library_selectors.themes()
        self.fields["speakers"].queryset = programme_selectors.person_choices()
        self.fields["speakers"].widget.attrs["size"] = 6
        self.fields["organisation"].queryset = programme_selectors.organisation_choices()
        self.fields["item_countries"].choices = list(all_countries)
        self.fields["item_countries"].widget.attrs["size"] = 6
        self.fields["upload"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in FILE_EXTENSIONS)
        self.fields["url"].widget.attrs["inputmode"] = "url"
        if item.pk:
            self.initial["body_markdown"] = markdown_for_editing(item.body_source, item.body)
            self.initial["languages"] = list(item.languages or [])
            self.initial["themes"] = [t.pk for t in item.themes.all()]
            self.initial["item_countries"] = [str(c) for c in item.countries]
            self.initial["webinars"] = [w.pk for w in item.webinars.all() if w.series_id == series.pk]
            self.initial["speakers"] = [p.pk for p in item.speakers.all()]
        else:
            item.original_language = (series.content_languages or ["en"])[0]
            self.initial["original_language"] = item.original_language
            webinars = list(self.fields["webinars"].queryset[:1])
            self.initial["webinars"] = [w.pk for w in webinars]
        if not item.file:
            del self.fields["remove_file"]
        else:
            self.fields["upload"].help_text = _("Now: %(name)s. Choose another file to replace it.") % {
                "name": item.file.name.rsplit("/", 1)[-1]
            }
        self.use_panes()

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload is not None:
            extension = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
            if extension not in FILE_EXTENSIONS:
                raise forms.ValidationError(
                    _("Files of this kind are not accepted; use one of: %(kinds)s.") % {"kinds": ", ".join(FILE_EXTENSIONS)}
                )
            if upload.size > MAX_FILE_BYTES:
                raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        has_file = bool(cleaned.get("upload")) or (bool(self.instance.file) and not cleaned.get("remove_file"))
        if cleaned.get("kind") in (LibraryItem.Kind.LINK, LibraryItem.Kind.VIDEO) and not cleaned.get("url") and not has_file:
            self.add_error("url", _("A link or a video needs an address or a file."))
        if not _plain(cleaned.get("title")):
            self.add_error("title", _("Give the item a title in at least one language."))
        return cleaned

    def save_arguments(self) -> dict[str, Any]:
        """What ``library.services.item_save`` needs besides the item (links to other series' webinars are kept)."""
        cleaned = self.cleaned_data
        item: LibraryItem = self.instance
        item.languages = list(cleaned.get("languages") or [])
        item.countries = list(cleaned.get("item_countries") or [])
        others = [w for w in item.webinars.all() if w.series_id != self.series.pk] if item.pk else []
        return {
            "themes": list(cleaned.get("themes") or []),
            "webinars": [*cleaned["webinars"], *others],
            "speakers": list(cleaned.get("speakers") or []),
            "body_markdown": _plain(cleaned.get("body_markdown")),
            "file": cleaned.get("upload"),
            "remove_file": bool(cleaned.get("remove_file")),
        }


class CaptionUploadForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the captions"), choices=CONTENT_LANGUAGES)
    file = forms.FileField(
        label=_("WebVTT file"),
        help_text=_("The .vtt transcript Zoom or BigBlueButton produce, or any WebVTT file. It replaces captions in the same language."),
    )

    def __init__(self, *args: Any, language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".vtt,text/vtt"
        if language:
            self.initial["language"] = language


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, one item per row, a header row naming the columns (see below)."))
    default_webinars = forms.ModelMultipleChoiceField(
        label=_("Link rows without webinars to"),
        required=False,
        queryset=Webinar.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Rows whose “webinars” column is empty belong to these webinars."),
    )

    def __init__(self, *args: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        self.fields["default_webinars"].queryset = library_selectors.series_webinar_choices(series)


class ThemeForm(ContentFormMixin, forms.ModelForm):
    fieldsets = [(_("Theme"), ["name", "slug", "order"])]

    class Meta:
        model = Theme
        fields = ["name", "slug", "order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].help_text = _("Its address in the library's filters: lowercase letters, digits and hyphens.")
        self.use_panes()
