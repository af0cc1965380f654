"""Charts drawn on the server as SVG: no script, no build step, nothing the Content-Security-
Policy has to allow. Colours come from classes in static/annotations/moderation.css (inline
style attributes are forbidden by the CSP; SVG geometry attributes are not styles).

Every text that reaches the SVG is escaped. Each chart carries a <title> and an aria-label,
and the page shows the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_WIDTH = 170
ROW = 26
BAR = 18


def _svg(title: str, height: int, body: list[str]) -> SafeString:
    t = escape(title)
    return mark_safe(  # noqa: S308 - every text below is escaped
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{t}</title>{''.join(body)}</svg>"
    )


def _nice_max(value: float) -> float:
    return value if value > 0 else 1


def bar_chart(
    title: str, rows: Sequence[tuple[str, float]], *, css: Sequence[str] = (), fmt: str = "{:g}"
) -> SafeString:
    """Horizontal bars, one a row: (label, value). `css` gives each row's class."""
    top = 6
    height = top + ROW * max(len(rows), 1) + 6
    scale = (WIDTH - LABEL_WIDTH - 60) / _nice_max(max((v for _, v in rows), default=0))
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * ROW
        cls = css[i] if i < len(css) else f"c{i % 8}"
        body.append(
            f'<text class="axis" x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect class="bar {cls}" x="{LABEL_WIDTH}" y="{y}" '
            f'width="{max(value * scale, 0):.1f}" height="{BAR}"/>'
            f'<text class="value" x="{LABEL_WIDTH + value * scale + 6:.1f}" y="{y + BAR - 4}">'
            f"{escape(fmt.format(value))}</text>"
        )
    if not rows:
        body.append(f'<text class="axis" x="{LABEL_WIDTH}" y="{top + BAR}">No data yet.</text>')
    return _svg(title, height, body)


def stacked_bar_chart(
    title: str, categories: Sequence[str], series: dict[str, Sequence[float]]
) -> SafeString:
    """One horizontal bar per category, split into the series (a legend on top)."""
    names = list(series)
    top = 28
    height = top + ROW * max(len(categories), 1) + 6
    totals = [sum(series[n][i] for n in names) for i in range(len(categories))]
    scale = (WIDTH - LABEL_WIDTH - 60) / _nice_max(max(totals, default=0))
    body = []
    x = LABEL_WIDTH
    for k, name in enumerate(names):
        body.append(
            f'<rect class="bar s-{escape(name.lower())} c{k % 8}" x="{x}" y="4" width="12" '
            f'height="12"/><text class="axis" x="{x + 16}" y="15">{escape(name)}</text>'
        )
        x += 16 + 9 * len(name) + 18
    for i, category in enumerate(categories):
        y = top + i * ROW
        body.append(
            f'<text class="axis" x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end">'
            f"{escape(category)}</text>"
        )
        x0 = float(LABEL_WIDTH)
        for k, name in enumerate(names):
            w = series[name][i] * scale
            if w > 0:
                body.append(
                    f'<rect class="bar s-{escape(name.lower())} c{k % 8}" x="{x0:.1f}" y="{y}" '
                    f'width="{w:.1f}" height="{BAR}"><title>{escape(name)}: '
                    f"{series[name][i]:g}</title></rect>"
                )
            x0 += w
        body.append(f'<text class="value" x="{x0 + 6:.1f}" y="{y + BAR - 4}">{totals[i]:g}</text>')
    if not categories:
        body.append(f'<text class="axis" x="{LABEL_WIDTH}" y="{top + BAR}">No data yet.</text>')
    return _svg(title, height, body)


def line_chart(
    title: str, x_labels: Sequence[str], series: dict[str, Sequence[float]]
) -> SafeString:
    """One polyline per series over the x labels (weeks), with a legend and a y axis."""
    left, right, top, bottom = 40, 20, 28, 40
    height = 240
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = _nice_max(max((max(v, default=0) for v in series.values()), default=0))
    step = plot_w / max(len(x_labels) - 1, 1)
    body = [
        f'<line class="grid" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
        f'y2="{top + plot_h}"/>',
        f'<text class="axis" x="{left - 6}" y="{top + 4}" text-anchor="end">{peak:g}</text>',
        f'<text class="axis" x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
        f'<line class="grid" x1="{left}" y1="{top}" x2="{left + plot_w}" y2="{top}"/>',
    ]
    for i, label in enumerate(x_labels):
        if i % max(len(x_labels) // 6, 1) == 0:
            body.append(
                f'<text class="axis" x="{left + i * step:.1f}" y="{height - 18}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    x = left
    for k, (name, values) in enumerate(series.items()):
        points = " ".join(
            f"{left + i * step:.1f},{top + plot_h - v / peak * plot_h:.1f}"
            for i, v in enumerate(values)
        )
        body.append(
            f'<polyline class="line c{k % 8}" points="{points}"><title>{escape(name)}</title>'
            "</polyline>"
            f'<rect class="bar c{k % 8}" x="{x}" y="4" width="12" height="12"/>'
            f'<text class="axis" x="{x + 16}" y="15">{escape(name)}</text>'
        )
        x += 16 + 9 * len(name) + 18
    if not series:
        body.append(f'<text class="axis" x="{left + 10}" y="{top + 30}">No spans yet.</text>')
    return _svg(title, height, body)


def reliability_chart(title: str, bins: Sequence[dict]) -> SafeString:
    """The reliability curve of scores: each score bin's share accepted (y) over its mean score
    (x), both 0 to 1, against the diagonal where a score means what it says; a point's area
    grows with the bin's count. `bins`: dicts with mean_score, accepted, count, lo, hi."""
    left, top, size = 60, 16, 300
    height = top + size + 44
    x = lambda v: left + v * size  # noqa: E731 - two small scales read better inline
    y = lambda v: top + size - v * size  # noqa: E731
    body = [
        f'<line class="grid" x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(0)}"/>',
        f'<line class="grid" x1="{x(0)}" y1="{y(0)}" x2="{x(0)}" y2="{y(1)}"/>',
        f'<line class="grid diagonal" x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}">'
        "<title>where a score means what it says</title></line>",
    ]
    for v in (0, 0.5, 1):
        body.append(
            f'<text class="axis" x="{x(v):.1f}" y="{y(0) + 16}" text-anchor="middle">{v:g}</text>'
            f'<text class="axis" x="{x(0) - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>'
        )
    body.append(
        f'<text class="axis" x="{x(0.5)}" y="{height - 6}" text-anchor="middle">score</text>'
        f'<text class="axis" x="{x(1) + 10}" y="{y(1) + 12}">share accepted</text>'
    )
    if bins:
        peak = max(b["count"] for b in bins) or 1
        points = " ".join(f"{x(b['mean_score']):.1f},{y(b['accepted']):.1f}" for b in bins)
        body.append(f'<polyline class="line c0" points="{points}"/>')
        for b in bins:
            r = 3 + 7 * (b["count"] / peak) ** 0.5
            scores = escape(f"scores {b['lo']:.1f}-{b['hi']:.1f}")
            body.append(
                f'<circle class="c0" cx="{x(b["mean_score"]):.1f}" cy="{y(b["accepted"]):.1f}" '
                f'r="{r:.1f}"><title>{scores}: '
                f"{b['count']} decided, mean score {b['mean_score']:.2f}, "
                f"{b['accepted']:.0%} accepted</title></circle>"
            )
    else:
        body.append(
            f'<text class="axis" x="{x(0) + 10}" y="{y(0.5)}">No decided suggestions yet.</text>'
        )
    return _svg(title, height, body)
