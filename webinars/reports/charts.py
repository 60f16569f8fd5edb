"""Small charts drawn on the server as inline SVG: no JavaScript, no external service.

Each chart is an ``<svg role="img">`` with a ``<title>`` (its accessible name, also given
as ``aria-label``) and a ``<desc>``; the page puts the same figures in a real ``<table>``
beside it, which is what screen readers and print-outs rely on. Every text in the SVG
is escaped. Colours are told apart by a legend and by dashes (lines), not by colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0b5394", "#e69138", "#38761d", "#a61c00", "#674ea7")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'

_ids = itertools.count(1)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str


def _fmt(value: float) -> str:
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def _nice_max(value: float) -> float:
    """A round upper bound for an axis (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _svg(width: int, height: int, title: str, description: str, body: list[str]) -> SafeString:
    chart_id = f"mw-chart-{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}" aria-describedby="{chart_id}-desc" {FONT}>'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 -- every text above is escaped


def _legend(measures: Sequence[Measure], x: int, y: int, *, lines: bool = False) -> list[str]:
    parts = []
    for index, measure in enumerate(measures):
        colour = PALETTE[index % len(PALETTE)]
        if lines:
            dash = DASHES[index % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" stroke="{colour}" stroke-width="3"{dash_attr}/>')
        else:
            parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 22}" y="{y}">{escape(measure.label)}</text>')
        x += 34 + 7 * len(measure.label)
    return parts


def bar_chart(rows: Sequence[dict], *, label_key: str, measures: Sequence[Measure], title: str, description: str = "") -> SafeString:
    """Horizontal grouped bars: one group per row (``row[label_key]``), one bar per measure."""
    label_width, width, bar, gap = 190, 640, 11, 10
    group = bar * len(measures) + gap
    top = 30
    height = top + max(len(rows), 1) * group + 24
    peak = _nice_max(max((row.get(m.key) or 0 for row in rows for m in measures), default=0))
    plot = width - label_width - 60
    body = _legend(measures, label_width, 16)
    for tick in range(5):
        value = peak * tick / 4
        x = label_width + plot * tick / 4
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="#d0d7de"/>')
        body.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#4d4d4d">{escape(_fmt(value))}</text>')
    for index, row in enumerate(rows):
        y = top + index * group
        label = str(row.get(label_key, ""))
        short = label if len(label) <= 28 else label[:27] + "…"
        body.append(f'<text x="{label_width - 8}" y="{y + group / 2 + 2:.1f}" text-anchor="end">{escape(short)}</text>')
        for m_index, measure in enumerate(measures):
            value = row.get(measure.key) or 0
            length = plot * value / peak if peak else 0
            colour = PALETTE[m_index % len(PALETTE)]
            body.append(
                f'<rect x="{label_width}" y="{y + m_index * bar}" width="{length:.1f}" height="{bar - 1}" fill="{colour}">'
                f"<title>{escape(label)}: {escape(measure.label)} {escape(_fmt(value))}</title></rect>"
            )
    return _svg(width, height, title, description, body)


def line_chart(rows: Sequence[dict], *, date_key: str, measures: Sequence[Measure], title: str, description: str = "") -> SafeString:
    """Lines over time: one point per row (by ``row[date_key]``, rows already in date order)."""
    width, height, left, right, top, bottom = 640, 280, 56, 16, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((row.get(m.key) or 0 for row in rows for m in measures), default=0))
    dates = [row[date_key] for row in rows]
    first, last = (min(dates), max(dates)) if dates else (None, None)
    span = (last - first).days if first is not None else 0

    def x_of(index: int) -> float:
        if span:
            return left + plot_w * (dates[index] - first).days / span
        return left + (plot_w * index / (len(rows) - 1) if len(rows) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * value / peak if peak else top + plot_h

    body = _legend(measures, left, 16, lines=True)
    for tick in range(5):
        value = peak * tick / 4
        y = y_of(value)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d7de"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4d4d4d">{escape(_fmt(value))}</text>')
    if first is not None:
        body.append(f'<text x="{left}" y="{height - 12}" fill="#4d4d4d">{escape(date_format(first, "SHORT_DATE_FORMAT"))}</text>')
        if last != first:
            body.append(
                f'<text x="{width - right}" y="{height - 12}" text-anchor="end" fill="#4d4d4d">'
                f"{escape(date_format(last, 'SHORT_DATE_FORMAT'))}</text>"
            )
    for m_index, measure in enumerate(measures):
        colour = PALETTE[m_index % len(PALETTE)]
        dash = DASHES[m_index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(f"{x_of(i):.1f},{y_of(row.get(measure.key) or 0):.1f}" for i, row in enumerate(rows))
        if len(rows) > 1:
            body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        if len(rows) <= 60:
            for i, row in enumerate(rows):
                body.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(row.get(measure.key) or 0):.1f}" r="2.5" fill="{colour}"/>')
    return _svg(width, height, title, description, body)
