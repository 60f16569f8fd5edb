"""The library: guides, articles, recordings, slides, data sets and links the programme leaves
behind, with captions (WebVTT) for recordings, and the search index over all public content."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from webinars.core.i18n import ContentCharField, ContentTextField, RichContentField, i18n_text
from webinars.core.languages import CONTENT_LANGUAGES
from webinars.programme.models import Organisation, Person, Webinar, WebinarLink


def library_storage() -> Storage:
    """Where uploaded files live: the ``library`` storage, never under MEDIA_URL.

    Files are served only by the library's own view, which checks that the item is
    published (``views`` in the public app), so a draft's file has no address at all.
    """
    if "library" in settings.STORAGES:
        return storages["library"]
    return FileSystemStorage(location=settings.VAR_DIR / "private" / "library")


class Theme(models.Model):
    """A theme of the managed list (migration, inclusion, labels, digitisation…), translatable."""

    name = ContentCharField(_("name"))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return i18n_text(self.name)


class LibraryItemQuerySet(models.QuerySet):
    def published(self) -> LibraryItemQuerySet:
        return self.filter(status=LibraryItem.Status.PUBLISHED)


class LibraryItem(models.Model):
    class Kind(models.TextChoices):
        GUIDE = "guide", _("guide")
        ARTICLE = "article", _("article")
        VIDEO = "video", _("video")
        RECORDING = "recording", _("recording")
        SLIDES = "slides", _("slides")
        DATASET = "dataset", _("data set")
        LINK = "link", _("link")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = ContentCharField(_("title"))
    description = ContentTextField(_("description"), blank=True, default="", help_text=_("One or two sentences for lists and feeds."))
    body = RichContentField(_("text"), blank=True, default="")
    #: the Markdown typed in the workspace, per language (``body`` is its sanitised HTML)
    body_source = ContentTextField(_("text (Markdown)"), blank=True, default="", db_default="")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LINK, db_index=True)
    languages = models.JSONField(_("languages of the item"), default=list, blank=True, help_text=_('Codes, e.g. ["ru", "kk"].'))
    original_language = models.CharField(_("original language"), max_length=8, choices=CONTENT_LANGUAGES, default="en")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="items")
    countries = CountryField(_("countries"), multiple=True, blank=True)
    author = ContentCharField(_("author"), blank=True, default="", help_text=_("A person or an organisation, as credited."))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="library_items"
    )
    licence = models.CharField(_("licence"), max_length=120, blank=True, help_text=_("For example CC BY 4.0."))
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("When the resource itself appeared."))
    url = models.URLField(
        _("address"), max_length=500, blank=True, help_text=_("Where the resource is, or the video address of a recording.")
    )
    file = models.FileField(
        _("file"), upload_to="items/%Y/%m/", storage=library_storage, blank=True, max_length=300, help_text=_("Private until published.")
    )
    webinars = models.ManyToManyField(Webinar, verbose_name=_("webinars"), blank=True, related_name="library_items")
    speakers = models.ManyToManyField(Person, verbose_name=_("speakers"), blank=True, related_name="library_items")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    from_link = models.OneToOneField(
        WebinarLink, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="library_item"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LibraryItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return i18n_text(self.title, original=self.original_language)

    def get_absolute_url(self) -> str:
        return reverse("library:item", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def video_source(self) -> str:
        """The address a ``<video>`` element can play, or "" when the recording is a page elsewhere."""
        if self.file and self.file.name.lower().endswith(VIDEO_EXTENSIONS):
            return reverse("library:file", args=[self.pk])
        if self.url and self.url.lower().split("?")[0].endswith(VIDEO_EXTENSIONS):
            return self.url
        return ""


VIDEO_EXTENSIONS = (".mp4", ".webm", ".ogv", ".m4v", ".mov")


class Caption(models.Model):
    """A WebVTT caption file of a recording in one language, parsed once into cues."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=8, choices=CONTENT_LANGUAGES)
    file = models.FileField(_("WebVTT file"), upload_to="captions/%Y/%m/", storage=library_storage, max_length=300)
    #: ``[[start seconds, end seconds, text], ...]`` as read by webvtt-py.
    cues = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("caption file")
        verbose_name_plural = _("caption files")
        ordering = ["item", "language"]
        constraints = [models.UniqueConstraint(fields=["item", "language"], name="one_caption_per_item_and_language")]

    def __str__(self) -> str:
        return f"{self.item} ({self.language})"


class SearchDocument(models.Model):
    """One searchable text in one language: an item, a webinar, a speaker, or a passage of a transcript.

    The backends keep their own index beside it (an FTS5 table on SQLite, a ``tsvector``
    table on PostgreSQL) keyed by this row's id; this row keeps the text as written, for
    snippets, and what a hit needs to be shown.
    """

    class Source(models.TextChoices):
        ITEM = "item", _("library item")
        WEBINAR = "webinar", _("webinar")
        PERSON = "person", _("speaker")
        TRANSCRIPT = "transcript", _("transcript")

    source = models.CharField(max_length=16, choices=Source.choices)
    object_id = models.PositiveBigIntegerField()
    #: What a hit is grouped under: the item for items and transcripts, else the object.
    group_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=8)
    script = models.CharField(max_length=12)
    title = models.TextField()
    text = models.TextField(blank=True)
    start_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source", "object_id"], name="searchdoc_source_object")]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id} ({self.language})"
