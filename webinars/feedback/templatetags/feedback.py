"""Template helpers of feedback: the survey link of a registration (for its self-service page)."""

from __future__ import annotations

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def survey_path(registration) -> str:
    """A fresh signed survey link of ``registration`` (never stored)."""
    return selectors.survey_path(registration)
