"""Fields shared by the workspace's forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _


class VersionField(forms.CharField):
    """Hidden: when the object was last saved as the form was loaded (a stale form is refused by the service)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        parsed = parse_datetime(text)
        if parsed is None:
            raise forms.ValidationError(_("This form is damaged; open the page again."))
        return parsed


class HoursListField(forms.CharField):
    """ "24, 1" -> [24, 1]: hours before the start, each between 1 and 336 (two weeks)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = (super().to_python(value) or "").replace(";", ",")
        hours = []
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 336:
                raise forms.ValidationError(_("Write whole numbers of hours between 1 and 336, separated by commas, e.g. 24, 1."))
            hours.append(int(part))
        return sorted(set(hours), reverse=True)
