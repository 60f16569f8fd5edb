"""Small charts drawn on the server as inline SVG: no JavaScript, no external service.

Each chart is an ``<svg role="img">`` with a ``<title>`` (its accessible name, also given
as ``aria-label``) and a ``<desc>``; the page puts the same figures in a real ``<table>``
beside it, which is what screen readers and print-outs rely on. Every text in the SVG
is escaped. Measures are told apart by a legend and by the shape of their dots, not by colour
alone. Axes count in whole numbers on 1-2-5 steps.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from webinars.core.formats import local_date, local_number

PALETTE = ("#0b5394", "#e69138", "#38761d", "#a61c00", "#674ea7")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'

_ids = itertools.count(1)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str


def _fmt(value: float) -> str:
    return local_number(value)


def nice_ticks(peak: float, *, integer: bool = True, most: int = 6) -> list[float]:
    """Axis ticks from 0 past ``peak`` in steps of 1, 2 or 5 times a power of ten, at most
    ``most`` of them; counts (``integer``) get whole steps only, so "4" sits on a tick."""
    if peak <= 0:
        return [0, 1]
    raw = peak / (most - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(1, round(step))
    count = math.ceil(peak / step - 1e-9)
    return [step * i for i in range(count + 1)]


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> SafeString:
    chart_id = f"mw-chart-{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}" aria-describedby="{chart_id}-desc" {FONT}>'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 -- every text above is escaped


def _legend(measures: Sequence[Measure], x: int, y: int, *, markers: bool = False) -> list[str]:
    parts = []
    for index, measure in enumerate(measures):
        colour = PALETTE[index % len(PALETTE)]
        if markers:
            parts.append(_marker(MARKERS[index % len(MARKERS)], x + 6, y - 4, colour, measure.label))
        else:
            parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 22}" y="{y}">{escape(measure.label)}</text>')
        x += 34 + 7 * len(measure.label)
    return parts


def bar_chart(rows: Sequence[dict], *, label_key: str, measures: Sequence[Measure], title: str, description: str = "") -> SafeString:
    """Horizontal grouped bars: one group per row (``row[label_key]``), one bar per measure,
    measured against integer ticks (a bar of 4 ends on the tick "4")."""
    label_width, width, bar, gap = 190, 640, 11, 10
    group = bar * len(measures) + gap
    top = 30
    height = top + max(len(rows), 1) * group + 24
    ticks = nice_ticks(max((row.get(m.key) or 0 for row in rows for m in measures), default=0))
    axis_max = ticks[-1]
    plot = width - label_width - 60
    body = _legend(measures, label_width, 16)
    for value in ticks:
        x = label_width + plot * value / axis_max
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="#d0d7de"/>')
        body.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#4d4d4d">{escape(_fmt(value))}</text>')
    for index, row in enumerate(rows):
        y = top + index * group
        label = str(row.get(label_key, ""))
        short = label if len(label) <= 28 else label[:27] + "…"
        body.append(f'<text x="{label_width - 8}" y="{y + group / 2 + 2:.1f}" text-anchor="end">{escape(short)}</text>')
        for m_index, measure in enumerate(measures):
            value = row.get(measure.key) or 0
            length = plot * value / axis_max
            colour = PALETTE[m_index % len(PALETTE)]
            body.append(
                f'<rect x="{label_width}" y="{y + m_index * bar}" width="{length:.1f}" height="{bar - 1}" fill="{colour}">'
                f"<title>{escape(label)}: {escape(measure.label)} {escape(_fmt(value))}</title></rect>"
            )
    return _svg(width, height, title, description, body)


MARKERS = ("circle", "square", "triangle")


def _marker(shape: str, x: float, y: float, colour: str, tooltip: str) -> str:
    """A dot of its measure's shape (told apart without colour), with its figure as a tooltip."""
    inner = f"<title>{escape(tooltip)}</title>"
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}">{inner}</rect>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{inner}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{inner}</circle>'


def dot_chart(
    rows: Sequence[dict], *, date_key: str, measures: Sequence[Measure], title: str, description: str = "", label_key: str = "title"
) -> SafeString:
    """One column of dots per webinar at its date, one dot per measure; webinars are separate
    events, so no line joins them. Dates on the axis in the UI language's format."""
    width, height, left, right, top, bottom = 640, 280, 56, 24, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max((row.get(m.key) or 0 for row in rows for m in measures), default=0))
    axis_max = ticks[-1]
    dates = [row[date_key] for row in rows]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    span = (last - first).days if first is not None and last is not None else 0

    def x_of(day) -> float:
        return left + plot_w * (day - first).days / span if span else left + plot_w / 2

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / axis_max

    body = _legend(measures, left, 16, markers=True)
    for value in ticks:
        y = y_of(value)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d7de"/>')
        body.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#4d4d4d">{escape(_fmt(value))}</text>')
    if first is not None and last is not None:
        labelled = [first] if not span else [first + dt.timedelta(days=round(span * i / 3)) for i in range(4)]
        for index, day in enumerate(labelled):
            anchor = "middle" if not span else ("start", "middle", "middle", "end")[index]
            body.append(
                f'<text x="{x_of(day):.1f}" y="{height - 12}" text-anchor="{anchor}" fill="#4d4d4d">{escape(local_date(day))}</text>'
            )
            body.append(f'<line x1="{x_of(day):.1f}" y1="{top + plot_h}" x2="{x_of(day):.1f}" y2="{top + plot_h + 5}" stroke="#4d4d4d"/>')
    spread = 5  # the measures of one webinar side by side, not on top of each other
    for row in rows:
        x = x_of(row[date_key])
        for m_index, measure in enumerate(measures):
            value = row.get(measure.key) or 0
            offset = (m_index - (len(measures) - 1) / 2) * spread
            tooltip = f"{local_date(row[date_key])} {row.get(label_key, '')}: {measure.label} {_fmt(value)}"
            body.append(_marker(MARKERS[m_index % len(MARKERS)], x + offset, y_of(value), PALETTE[m_index % len(PALETTE)], tooltip))
    return _svg(width, height, title, description, body)
