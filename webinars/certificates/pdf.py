"""Certificates as PDF: A4 landscape, drawn with reportlab's canvas.

Fonts are the project's own copies of DejaVu Sans and Serif (``fonts/``, with their
licence), which cover Latin, Cyrillic with the Kazakh letters, Armenian and Georgian;
they are embedded as subsets with a ToUnicode map, so names stay searchable and
copyable. Nothing is fetched at run time.

Bulk generation is fast because everything a design needs (texts, colours, logos scaled
down once, signatures) is prepared once in a :class:`Layout` and shared by every
certificate drawn with it; fonts are registered once per process. Per certificate only
the texts, a small QR code PNG (segno) and the page itself are made.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from webinars.core.i18n import i18n_text
from webinars.core.timezones import get_zone

logger = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SANS, SANS_BOLD, SERIF_BOLD = "MW-DejaVuSans", "MW-DejaVuSans-Bold", "MW-DejaVuSerif-Bold"
_FONT_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf", SERIF_BOLD: "DejaVuSerif-Bold.ttf"}
_fonts_lock = threading.Lock()
_fonts_ready = False

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 48
GREY = HexColor("#4D4D4D")
QR_SIZE = 84
QR_MASK = 2

# The standard wording, used where a design leaves a text empty in a language.
DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Certificate of attendance", "ru": "Сертификат участника"},
    "intro": {"en": "This is to certify that", "ru": "Настоящим подтверждается, что"},
    "webinar_text": {"en": "attended the webinar «{webinar}» on {date}", "ru": "принял(а) участие в вебинаре «{webinar}» {date}"},
    "series_text": {
        "en": "attended {count} webinars of the series «{series}»:",
        "ru": "принял(а) участие в вебинарах серии «{series}» ({count}):",
    },
    "code": {"en": "Certificate code", "ru": "Код сертификата"},
    "verify": {"en": "Check at", "ru": "Проверка:"},
    "issued": {"en": "Issued on {date}", "ru": "Выдан {date}"},
    "hours": {"en": "Hours of learning: {hours}", "ru": "Объём обучения: {hours} ч."},
}
TEXT_FIELDS = ("title", "intro", "webinar_text", "series_text", "body")


def register_fonts() -> None:
    """Register the embedded fonts with reportlab (once per process)."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _fonts_lock:
        if not _fonts_ready:
            # Binary streams: smaller files, and no pure-Python ASCII85 pass over every image and font.
            rl_config.useA85 = 0
            for name, file_name in _FONT_FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name)))
            _fonts_ready = True


def format_date(value: dt.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "j E Y")


def format_hours(value: Decimal, language: str) -> str:
    """1.5 → "1.5" in English, "1,5" in Russian; whole hours without decimals."""
    value = Decimal(value)
    shown = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    with translation.override(language):
        return formats.number_format(shown, use_l10n=True)


def verify_url(code: str) -> str:
    return settings.SITE_URL + reverse("certificates:verify", args=[code])


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a PNG (black modules, quiet zone of 4).

    The mask pattern is fixed: every mask gives a valid code, and scoring all eight (segno's
    default) would take most of the time of drawing a certificate.
    """
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False, mask=QR_MASK).save(buffer, kind="png", scale=4, border=4)
    return buffer.getvalue()


def _image(field_file, max_px: tuple[int, int]) -> ImageReader | None:
    """A logo or signature prepared once for the whole run; None when missing or unreadable.

    It is scaled to about three times its printed size and flattened onto the white page
    as a JPEG, which reportlab embeds as it is: no image is decoded or compressed again
    for each certificate.
    """
    if not field_file:
        return None
    try:
        from PIL import Image

        with field_file.open("rb") as handle, Image.open(handle) as image:
            image.load()
            image.thumbnail(max_px)
            rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, (255, 255, 255))
        page.paste(rgba, mask=rgba.getchannel("A"))
        buffer = io.BytesIO()
        page.save(buffer, format="JPEG", quality=92, subsampling=0)
        buffer.seek(0)
        return ImageReader(buffer)
    except Exception:  # noqa: BLE001 -- a broken upload must not stop certificates being issued
        logger.warning("Certificate image %s could not be read; it is left out", getattr(field_file, "name", ""), exc_info=True)
        return None


@dataclass
class Signature:
    image: ImageReader | None
    name: str
    role: str


@dataclass
class Layout:
    """Everything about a design that is the same for every certificate drawn with it."""

    languages: list[str]
    texts: dict[str, dict[str, str]]
    primary: Color
    accent: Color
    organiser_logo: ImageReader | None = None
    partner_logos: list[ImageReader] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    issuer_name: str = ""
    time_zone: str = "UTC"
    hours: Decimal | None = None


def _text(template, name: str, language: str) -> str:
    value = getattr(template, name, None) if template is not None else None
    data = getattr(value, "data", value)
    if isinstance(data, dict) and data.get(language):
        return data[language]
    if isinstance(data, str) and data:
        return data  # one text for every language
    defaults = DEFAULT_TEXTS.get(name, {})
    if defaults.get(language):
        return defaults[language]
    if isinstance(data, dict) and data.get("en"):
        return data["en"]
    return defaults.get("en", "")


def build_layout(template, series) -> Layout:
    """Prepare a design (a ``CertificateTemplate``, saved or not) for drawing many certificates."""
    register_fonts()
    languages = [code for code in (template.languages or []) if isinstance(code, str)][:2] or ["en"]
    texts = {
        lang: {name: _text(template, name, lang) for name in (*TEXT_FIELDS, "code", "verify", "issued", "hours")} for lang in languages
    }
    layout = Layout(
        languages=languages,
        texts=texts,
        primary=HexColor(template.primary_colour or "#1F3A5F"),
        accent=HexColor(template.accent_colour or "#B8862B"),
        issuer_name=i18n_text(series.organiser.name, languages[0], series.organiser.original_language),
        time_zone=series.time_zone,
        hours=getattr(template, "hours", None),
    )
    layout.organiser_logo = _image(template.organiser_logo, (450, 160))
    if layout.organiser_logo is None and template.use_programme_logos:
        layout.organiser_logo = _image(series.organiser.logo, (450, 160))
    partner_files = [f for f in (template.partner_logo, template.second_partner_logo) if f]
    if not partner_files and template.use_programme_logos:
        partner_files = [p.logo for p in series.partners.all() if p.logo][:3]
    layout.partner_logos = [image for image in (_image(f, (360, 160)) for f in partner_files) if image is not None]
    if template.pk:
        for signature in template.signatures.all()[:3]:
            name = i18n_text(signature.name, languages[0])
            roles = []
            for lang in languages:
                role = i18n_text(signature.role, lang)
                if role and role not in roles:
                    roles.append(role)
            layout.signatures.append(Signature(_image(signature.image, (450, 135)), name, " / ".join(roles)))
    return layout


# --- drawing -------------------------------------------------------------------------------


def _fit_size(text: str, font: str, size: float, width: float, minimum: float = 8) -> float:
    while size > minimum and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _draw_image(canvas: Canvas, image: ImageReader, x: float, y: float, max_w: float, max_h: float, *, align: str = "left") -> float:
    """Draw ``image`` inside the box with its bottom at ``y``; return the width used."""
    w, h = image.getSize()
    scale = min(max_w / w, max_h / h)
    dw, dh = w * scale, h * scale
    if align == "right":
        x -= dw
    elif align == "center":
        x -= dw / 2
    canvas.drawImage(image, x, y + (max_h - dh) / 2, dw, dh)
    return dw


def _statement_lines(certificate, layout: Layout, language: str, width: float, size: float) -> list[tuple[str, str, float]]:
    """(text, font, size) lines of what was attended, in one language, wrapped to ``width``."""
    texts = layout.texts[language]
    items = certificate.webinars or []
    lines: list[tuple[str, str, float]] = []

    def wrap(text: str, font: str, font_size: float) -> None:
        for line in simpleSplit(text, font, font_size, width) or [""]:
            lines.append((line, font, font_size))

    if certificate.kind == "webinar" and items:
        item = items[0]
        title = i18n_text(item.get("title"), language, item.get("original_language"))
        date = format_date(dt.date.fromisoformat(item["date"]), language)
        wrap(texts["webinar_text"].replace("{webinar}", title).replace("{date}", date), SANS, size)
    else:
        series = i18n_text(certificate.series_title, language)
        wrap(texts["series_text"].replace("{series}", series).replace("{count}", str(len(items))), SANS, size)
        for item in items:
            title = i18n_text(item.get("title"), language, item.get("original_language"))
            date = format_date(dt.date.fromisoformat(item["date"]), language)
            wrap(f"{date} — «{title}»", SANS, size - 1.5)
    if layout.hours:
        hours = layout.hours * (1 if certificate.kind == "webinar" else max(1, len(items)))
        wrap(texts["hours"].replace("{hours}", format_hours(hours, language)), SANS_BOLD, size - 1)
    body = texts.get("body") or ""
    if body.strip():
        lines.append(("", SANS, size * 0.5))
        for paragraph in body.splitlines():
            if paragraph.strip():
                wrap(paragraph.strip(), SANS, size - 2)
    return lines


def render(certificate, layout: Layout) -> bytes:
    """The certificate's PDF (one A4 landscape page)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setTitle(f"{layout.texts[layout.languages[0]]['title']} {certificate.code}")
    canvas.setAuthor(i18n_text(certificate.issuer, layout.languages[0]) or layout.issuer_name)
    canvas.setSubject(certificate.code)
    canvas.setCreator("Museum Webinars")
    draw_page(canvas, certificate, layout)
    canvas.save()
    return buffer.getvalue()


def draw_page(canvas: Canvas, certificate, layout: Layout) -> None:
    """Draw one certificate on the canvas's current page and end the page."""
    issuer = i18n_text(certificate.issuer, layout.languages[0]) or layout.issuer_name

    # Frame.
    canvas.setStrokeColor(layout.primary)
    canvas.setLineWidth(3)
    canvas.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36)
    canvas.setStrokeColor(layout.accent)
    canvas.setLineWidth(0.8)
    canvas.rect(25, 25, PAGE_WIDTH - 50, PAGE_HEIGHT - 50)

    # Logos: organiser top left, partners top right.
    top = PAGE_HEIGHT - MARGIN - 52
    if layout.organiser_logo is not None:
        _draw_image(canvas, layout.organiser_logo, MARGIN, top, 150, 52)
    x = PAGE_WIDTH - MARGIN
    for logo in reversed(layout.partner_logos):
        used = _draw_image(canvas, logo, x, top, 120, 52, align="right")
        x -= used + 16

    languages = layout.languages
    columns = len(languages)
    inner = PAGE_WIDTH - 2 * MARGIN
    gutter = 36
    col_width = (inner - gutter * (columns - 1)) / columns
    centres = [MARGIN + col_width / 2 + i * (col_width + gutter) for i in range(columns)]

    # Title and the line before the name, one column per language.
    title_size = min(_fit_size(layout.texts[lang]["title"], SERIF_BOLD, 28 if columns == 1 else 24, col_width, 12) for lang in languages)
    intro_size = min(_fit_size(layout.texts[lang]["intro"], SANS, 14, col_width, 9) for lang in languages)
    for lang, centre in zip(languages, centres, strict=True):
        canvas.setFillColor(layout.primary)
        canvas.setFont(SERIF_BOLD, title_size)
        canvas.drawCentredString(centre, 440, layout.texts[lang]["title"])
        canvas.setFillColor(GREY)
        canvas.setFont(SANS, intro_size)
        canvas.drawCentredString(centre, 405, layout.texts[lang]["intro"])

    # The name, large, across the page.
    name = certificate.name_on_certificate
    name_size = _fit_size(name, SANS_BOLD, 38, inner - 40, 14)
    canvas.setFillColor(layout.primary)
    canvas.setFont(SANS_BOLD, name_size)
    canvas.drawCentredString(PAGE_WIDTH / 2, 350, name)
    canvas.setStrokeColor(layout.accent)
    canvas.setLineWidth(1.2)
    canvas.line(PAGE_WIDTH / 2 - 200, 338, PAGE_WIDTH / 2 + 200, 338)

    # What was attended: as large as fits between the name and the signatures.
    top_y, bottom_y = 318, 150
    size = 13.0
    while True:
        blocks = [_statement_lines(certificate, layout, lang, col_width, size) for lang in languages]
        height = max(sum(s * 1.3 for _t, _f, s in block) for block in blocks)
        if height <= top_y - bottom_y or size <= 6.5:
            break
        size -= 0.5
    if columns > 1:
        canvas.setStrokeColor(layout.accent)
        canvas.setLineWidth(0.5)
        for i in range(1, columns):
            gx = MARGIN + i * col_width + (i - 0.5) * gutter
            canvas.line(gx, 462, gx, 398)
            canvas.line(gx, top_y, gx, max(bottom_y, top_y - height))
    canvas.setFillColor(HexColor("#1A1A1A"))
    for block, centre in zip(blocks, centres, strict=True):
        y = top_y
        for text, font, font_size in block:
            y -= font_size * 1.3
            canvas.setFont(font, font_size)
            canvas.drawCentredString(centre, y + font_size * 0.3, text)

    # Signatures, bottom left.
    x = MARGIN + 8
    for signature in layout.signatures:
        if signature.image is not None:
            _draw_image(canvas, signature.image, x + 80, 92, 150, 44, align="center")
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.5)
        canvas.line(x, 88, x + 160, 88)
        canvas.setFillColor(HexColor("#1A1A1A"))
        canvas.setFont(SANS_BOLD, _fit_size(signature.name, SANS_BOLD, 10, 160, 6))
        canvas.drawCentredString(x + 80, 75, signature.name)
        if signature.role:
            canvas.setFillColor(GREY)
            role_lines = simpleSplit(signature.role, SANS, 8, 170)[:2]
            canvas.setFont(SANS, 8)
            for i, line in enumerate(role_lines):
                canvas.drawCentredString(x + 80, 64 - i * 10, line)
        x += 190

    # Code, date of issue and QR code, bottom right.
    url = verify_url(certificate.code)
    qr = ImageReader(io.BytesIO(qr_png(url)))
    qr_x = PAGE_WIDTH - MARGIN - QR_SIZE + 6
    canvas.drawImage(qr, qr_x, 36, QR_SIZE, QR_SIZE)
    right = qr_x - 6
    first = layout.texts[languages[0]]
    # The small print is in the first language when we have its wording, else in English (date included).
    small_language = languages[0] if languages[0] in DEFAULT_TEXTS["issued"] else "en"
    canvas.setFillColor(GREY)
    canvas.setFont(SANS, 8)
    labels = " / ".join(dict.fromkeys(layout.texts[lang]["code"] for lang in languages))
    canvas.drawRightString(right, 104, labels)
    canvas.setFillColor(layout.primary)
    canvas.setFont(SANS_BOLD, 12)
    canvas.drawRightString(right, 89, certificate.code)
    canvas.setFillColor(GREY)
    canvas.setFont(SANS, 8)
    issued = (certificate.issued_at or timezone.now()).astimezone(get_zone(layout.time_zone)).date()
    canvas.drawRightString(right, 75, first["issued"].replace("{date}", format_date(issued, small_language)))
    verify_line = f"{first['verify']} {settings.SITE_URL}/verify/"
    canvas.setFont(SANS, _fit_size(verify_line, SANS, 8, 250, 5))
    canvas.drawRightString(right, 63, verify_line)
    if issuer:
        canvas.setFont(SANS, _fit_size(issuer, SANS, 8, 250, 5))
        canvas.drawRightString(right, 51, issuer)

    canvas.showPage()


def blank_page() -> bytes:
    """One empty A4 page (the benchmark's baseline)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
