"""Content in many languages without ten boxes per field: language tabs.

Every translatable field renders one pane per content language (all of them in the form, so
nothing typed is lost); the page shows the panes of one language at a time, chosen with
the radio "tabs" above the form (``organise/content/_language_tabs.html``): the series'
content languages first, the others behind "Add a language". The switch is CSS alone
(``:has(:checked)``), so it works without JavaScript; a browser without ``:has`` shows every
pane, each labelled with its language.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from i18nfield.forms import I18nFormField, I18nTextarea, I18nTextInput

from webinars.core.languages import CONTENT_LANGUAGE_CODES, CONTENT_LANGUAGES, language_name


class _PanesMixin:
    """One labelled pane per language; the group is named after the field."""

    is_panes = True

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        if not isinstance(value, list):
            value = self.decompress(value)  # type: ignore[attr-defined]
        final_attrs = self.build_attrs(attrs or {})  # type: ignore[attr-defined]
        final_attrs.pop("required", None)
        group_id = final_attrs.pop("id", None) or name
        described = final_attrs.pop("aria-describedby", None)
        panes = []
        for index, (locale, widget) in enumerate(zip(self.locales, self.widgets, strict=True)):  # type: ignore[attr-defined]
            input_id = f"{group_id}_{index}"
            widget_attrs = {**final_attrs, "id": input_id, "lang": locale}
            if described:
                widget_attrs["aria-describedby"] = described
            html = widget.render(f"{name}_{index}", value[index] if index < len(value) else None, widget_attrs, renderer=renderer)
            panes.append((locale, input_id, locale, language_name(locale), html))
        items = format_html_join(
            "", '<div class="i18n-pane" data-lang="{}"><label for="{}" lang="{}" class="pane-label">{}</label>{}</div>', panes
        )
        return format_html('<div class="i18n-panes" role="group" aria-labelledby="{}_label">{}</div>', group_id, items)

    def id_for_label(self, id_: str) -> str:
        return ""  # the field's name is a heading of the group (``aria-labelledby``), each input has its language's label


class PaneTextInput(_PanesMixin, I18nTextInput):
    pass


class PaneTextarea(_PanesMixin, I18nTextarea):
    def __init__(self, locales: list[str], field: forms.Field, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(locales, field, attrs={"rows": 6, **(attrs or {})})


def content_field(label: Any, *, required: bool = False, long: bool = False, help_text: Any = "") -> I18nFormField:
    """A form field for text in every content language, shown as panes."""
    field = I18nFormField(label=label, required=required, locales=CONTENT_LANGUAGE_CODES, widget=I18nTextInput, help_text=help_text)
    use_panes(field, long=long)
    return field


def use_panes(field: forms.Field, *, long: bool = False) -> None:
    """Render an ``I18nFormField`` (as made by a ModelForm) as language panes."""
    widget_class = PaneTextarea if long or isinstance(field.widget, I18nTextarea) else PaneTextInput
    field.widget = widget_class(locales=CONTENT_LANGUAGE_CODES, field=field)


class ContentFormMixin:
    """A form whose translatable fields show as panes, in named groups (``fieldsets``)."""

    #: ``[(legend, [field names])]``; fields in no group come last, without a legend.
    fieldsets: list[tuple[Any, list[str]]] = []

    def use_panes(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, I18nFormField) and not getattr(field.widget, "is_panes", False):
                use_panes(field)

    def groups(self) -> list[tuple[Any, list[Any]]]:
        visible = {bound.name: bound for bound in self.visible_fields()}  # type: ignore[attr-defined]
        groups, used = [], set()
        for legend, names in self.fieldsets:
            fields = [visible[name] for name in names if name in visible]
            used.update(names)
            if fields:
                groups.append((legend, fields))
        rest = [bound for name, bound in visible.items() if name not in used]
        if rest:
            groups.append(("", rest))
        return groups


def language_tabs(primary: list[str], *, with_text: set[str] | None = None, chosen: str | None = None) -> dict[str, Any]:
    """The tabs above a form: the series' languages (and any that already has text) first,
    the others behind "Add a language"; ``chosen`` (the tab last used) or the UI language selected."""
    shown = [code for code in CONTENT_LANGUAGE_CODES if code in primary or code in (with_text or set())]
    if not shown:
        shown = ["en"]
    others = [code for code in CONTENT_LANGUAGE_CODES if code not in shown]
    ui = (get_language() or "en").split("-")[0]
    selected = chosen if chosen in CONTENT_LANGUAGE_CODES else (ui if ui in shown else shown[0])
    names = dict(CONTENT_LANGUAGES)
    return {
        "shown": [{"code": code, "name": names[code], "checked": code == selected} for code in shown],
        "others": [{"code": code, "name": names[code], "checked": code == selected} for code in others],
        "other_chosen": selected in others,
    }


def languages_with_text(*values: Any) -> set[str]:
    """The languages that have text in any of these content values."""
    found: set[str] = set()
    for value in values:
        data = getattr(value, "data", value)
        if isinstance(data, dict):
            found |= {code for code, text in data.items() if text}
    return found
