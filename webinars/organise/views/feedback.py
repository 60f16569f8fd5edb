"""The feedback section: the webinar's anonymous survey figures and the written answers (viewers too)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from webinars.feedback import selectors
from webinars.feedback.models import Rating, Usefulness

from .webinar import WebinarSectionView


def _rows(distribution: dict[int, int], labels: dict[int, str], total: int) -> list[dict]:
    return [
        {"label": labels.get(n, str(n)), "count": count, "percent": round(100 * count / total) if total else 0}
        for n, count in sorted(distribution.items(), reverse=True)
    ]


class FeedbackView(WebinarSectionView):
    section = "organise:webinar_feedback"
    permission = "feedback.view_feedback"
    template_name = "organise/feedback/feedback.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        summary = selectors.webinar_feedback_summary(self.webinar)
        total = summary["responses"]
        return self.render(
            request,
            summary=summary,
            ratings=_rows(summary["rating_distribution"], {n: str(label) for n, label in Rating.choices}, total),
            usefulness=_rows(summary["usefulness_distribution"], {n: str(label) for n, label in Usefulness.choices}, total),
        )
