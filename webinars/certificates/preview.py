"""The preview of a design before anything is issued: one page per script, each marked as a sample.

The same drawing code as the real certificates (``pdf.draw_page``), with the design that
applies to the webinar and sample names in Latin, Cyrillic, Armenian and Georgian, so the
organiser sees the fonts, the wording in both printed languages, the hours and the
signatures as participants will. Nothing is stored and no code is spent.
"""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from webinars.core.i18n import i18n_dict
from webinars.programme.models import Webinar

from . import pdf, selectors
from .models import Certificate
from .services import webinar_snapshot

SAMPLE_NAMES = ("Dinara Khalikova", "Динара Халикова", "Անահիտ Սարգսյան", "ნინო ბერიძე")
SAMPLE_CODE = "MW-0000-0000-0000-00"
SAMPLE_WORD = {"en": "SAMPLE", "ru": "ОБРАЗЕЦ"}


def sample_certificates(webinar: Webinar) -> list[Certificate]:
    """Unsaved certificates of ``webinar`` for the sample names."""
    series = webinar.series
    common = {
        "kind": Certificate.Kind.WEBINAR,
        "code": SAMPLE_CODE,
        "series": series,
        "webinar": webinar,
        "webinars": [webinar_snapshot(webinar)],
        "series_title": i18n_dict(series.title),
        "issuer": i18n_dict(series.organiser.name),
        "issued_at": timezone.now(),
    }
    return [Certificate(name_on_certificate=name, **common) for name in SAMPLE_NAMES]


def design_preview_pdf(*, webinar: Webinar) -> bytes:
    """The design that applies to ``webinar`` drawn for each sample name (one page each)."""
    design = selectors.template_for(series=webinar.series, webinar=webinar)
    layout = pdf.build_layout(design, webinar.series)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(pdf.PAGE_WIDTH, pdf.PAGE_HEIGHT), pageCompression=1)
    word = SAMPLE_WORD.get(layout.languages[0], SAMPLE_WORD["en"])
    canvas.setTitle(f"{layout.texts[layout.languages[0]]['title']} ({word})")
    canvas.setCreator("Museum Webinars")
    for certificate in sample_certificates(webinar):
        canvas.saveState()
        canvas.setFillColor(HexColor("#E6E6E6"))
        canvas.setFont(pdf.SANS_BOLD, 110)
        canvas.translate(pdf.PAGE_WIDTH / 2, pdf.PAGE_HEIGHT / 2)
        canvas.rotate(24)
        canvas.drawCentredString(0, -40, word)
        canvas.restoreState()
        pdf.draw_page(canvas, certificate, layout)
    canvas.save()
    return buffer.getvalue()
