"""Server-rendered SVG bar charts (no JavaScript, no CDN); every label is escaped."""

from __future__ import annotations

from datetime import date
from html import escape

from bot.staff.stats import WeeklyFacilities

# Colour-blind-safe (Okabe-Ito), dark enough against white for the bars to read at a glance.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#666666")


def status_bars(counts: dict[str, int], title: str) -> str:
    """Return a horizontal bar chart: one labelled bar per status with its count."""
    row, label_width, bar_width = 28, 140, 300
    height = row * len(counts) + 10
    top = max(counts.values(), default=0) or 1
    parts = [_open(label_width + bar_width + 60, height, title)]
    for i, (status, count) in enumerate(counts.items()):
        y = 5 + i * row
        width = round(bar_width * count / top)
        parts.append(f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end">{escape(status)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{width}" height="{row - 8}" fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{label_width + width + 6}" y="{y + 18}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)


def weekly_stacked_bars(data: WeeklyFacilities, title: str, other: str) -> str:
    """Return stacked vertical bars: reports per week, each bar split by facility, with a legend."""
    left, bar, gap, top_pad, plot_height = 40, 40, 14, 24, 180
    base = top_pad + plot_height  # the x axis
    width = left + len(data.weeks) * (bar + gap) + 10
    height = base + 40 + len(data.facilities) * 20
    totals = {week: sum(data.counts.get((f, week), 0) for f in data.facilities) for week in data.weeks}
    top = max(totals.values(), default=0) or 1
    parts = [_open(width, height, title)]
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#333"/>')
    parts.append(f'<text x="{left - 6}" y="{top_pad + 5}" text-anchor="end">{top}</text>')
    parts.append(f'<text x="{left - 6}" y="{base}" text-anchor="end">0</text>')
    for i, week in enumerate(data.weeks):
        x = left + i * (bar + gap) + gap // 2
        y = base
        for j, facility in enumerate(data.facilities):
            count = data.counts.get((facility, week), 0)
            if not count:
                continue
            h = max(1, round(plot_height * count / top))
            y -= h
            name = escape(facility or other)
            colour = PALETTE[j % len(PALETTE)]
            parts.append(
                f'<rect x="{x}" y="{y}" width="{bar}" height="{h}" fill="{colour}">'
                f"<title>{name}, week of {week.isoformat()}: {count}</title></rect>"
            )
        if totals[week]:
            parts.append(f'<text x="{x + bar / 2}" y="{y - 5}" text-anchor="middle">{totals[week]}</text>')
        label = f'<text x="{x + bar / 2}" y="{base + 16}" text-anchor="middle" font-size="11">{_short(week)}</text>'
        parts.append(label)
    for j, facility in enumerate(data.facilities):
        y = base + 40 + j * 20
        colour = PALETTE[j % len(PALETTE)]
        parts.append(f'<rect x="{left}" y="{y - 11}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{left + 18}" y="{y}">{escape(facility or other)} ({data.total(facility)})</text>')
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'class="chart" role="img" aria-label="{escape(title)}" font-size="13" '
        f'font-family="system-ui, sans-serif"><title>{escape(title)}</title>'
    )


def _short(week: date) -> str:
    return week.strftime("%b %d").replace(" 0", " ")
