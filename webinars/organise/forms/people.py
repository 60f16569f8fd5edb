"""Speakers, organisers and partners in the shared directory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from webinars.core.rich_text import markdown_for_editing
from webinars.programme.models import Organisation, Person

from .i18n import ContentFormMixin, content_field

MAX_IMAGE_BYTES = 8 * 1024 * 1024


def _image_field(label: Any) -> forms.ImageField:
    return forms.ImageField(
        label=label,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
        help_text=_("PNG, JPEG, WebP or GIF up to 8 MB; it is made small for the public pages."),
    )


def _check_size(upload: Any) -> Any:
    if upload and getattr(upload, "size", 0) > MAX_IMAGE_BYTES:
        raise forms.ValidationError(_("This image is larger than 8 MB; choose a smaller one."))
    return upload


class _DirectoryForm(ContentFormMixin, forms.ModelForm):
    added_for_series = forms.TypedChoiceField(label=_("Series"), coerce=int, help_text=_("Whose directory it joins first."))

    def __init__(self, *args: Any, series_choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Its address on the public site. Leave empty to make one from the name.")
        if self.instance.pk or len(series_choices) <= 1:
            del self.fields["added_for_series"]
            if not self.instance.pk and series_choices:
                self.instance.added_for_series = series_choices[0]
        else:
            self.fields["added_for_series"].choices = [(s.pk, str(s)) for s in series_choices]
        self._series = {s.pk: s for s in series_choices}
        self.use_panes()

    def clean_added_for_series(self) -> Any:
        series = self._series.get(self.cleaned_data["added_for_series"])
        self.instance.added_for_series = series
        return series


class PersonForm(_DirectoryForm):
    bio_markdown = content_field(_("Biography"), long=True, help_text=_("Markdown: **bold**, *italic*, links as [text](https://…)."))
    photo_upload = _image_field(_("Photo"))
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    fieldsets = [(_("Profile"), ["name", "affiliation", "bio_markdown"]), (_("Photo"), ["photo_upload", "remove_photo"])]

    class Meta:
        model = Person
        fields = ["name", "affiliation", "original_language", "slug"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["bio_markdown"] = markdown_for_editing(self.instance.bio_source, self.instance.bio)
        if not self.instance.photo:
            del self.fields["remove_photo"]

    def clean_photo_upload(self) -> Any:
        return _check_size(self.cleaned_data.get("photo_upload"))


class OrganisationForm(_DirectoryForm):
    logo_upload = _image_field(_("Logo"))
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    fieldsets = [(_("Organisation"), ["name", "website", "address"]), (_("Logo"), ["logo_upload", "remove_logo"])]

    class Meta:
        model = Organisation
        fields = ["name", "website", "address", "original_language", "slug"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_logo_upload(self) -> Any:
        return _check_size(self.cleaned_data.get("logo_upload"))
