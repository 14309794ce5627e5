"""Charts drawn on our server as SVG, for public figures pages (records, service requests,
accountability). A chart is decoration for sighted readers: it is hidden from screen readers,
and the page always shows the same figures in a table beside it."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def bar_chart(
    *, values: list[float | None], labels: list[str], title_id: str, unit: str = ""
) -> SafeString:
    """A bar chart as SVG markup: presentation attributes only (the CSP allows no inline
    style), hidden from screen readers, who get the table instead."""
    width, height, left, bottom, top = 720, 260, 44, 40, 16
    plot_h = height - bottom - top
    present = [v for v in values if v is not None]
    peak = max(present) if present else 0
    scale_max = peak if peak > 0 else 1
    step = (width - left - 8) / max(len(values), 1)
    parts = [
        f'<svg class="portal-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" focusable="false" '
        f'data-for="{escape(title_id)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}" '
        'stroke="#565c65" stroke-width="1"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="12" '
        f'fill="#1b1b1b">{escape(_fmt(peak, unit))}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="12" '
        'fill="#1b1b1b">0</text>',
    ]
    for n, (value, label) in enumerate(zip(values, labels, strict=True)):
        x = left + n * step + step * 0.15
        bar_w = step * 0.7
        if value is not None:
            bar_h = plot_h * value / scale_max
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" '
                f'height="{bar_h:.1f}" fill="#1a4480"/>'
            )
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - bar_h - 4:.1f}" '
                f'text-anchor="middle" font-size="11" fill="#1b1b1b">'
                f"{escape(_fmt(value, unit))}</text>"
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'font-size="11" fill="#1b1b1b">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _fmt(value: float, unit: str) -> str:
    text = f"{value:g}"
    return f"{text}{unit}"


# Series colours for grouped bars: each at least 3:1 against white (WCAG 1.4.11), told apart by
# the legend's order as well as by colour.
SERIES_FILLS = ("#1a4480", "#c05600", "#008817", "#6b2fa0")


def grouped_bar_chart(
    *,
    series: list[tuple[str, list[float | None]]],
    labels: list[str],
    title_id: str,
    unit: str = "",
) -> SafeString:
    """Bars for several series side by side per label (complaints and commendations per
    month, say), with a legend; a missing value (a suppressed count) draws no bar. Hidden from
    screen readers like `bar_chart`: the page shows the same figures in a table."""
    if len(series) == 1:
        return bar_chart(values=series[0][1], labels=labels, title_id=title_id, unit=unit)
    width, height, left, bottom, top = 720, 280, 44, 40, 36
    plot_h = height - bottom - top
    present = [v for _, values in series for v in values if v is not None]
    peak = max(present) if present else 0
    scale_max = peak if peak > 0 else 1
    step = (width - left - 8) / max(len(labels), 1)
    # Long series (24 months) keep every label's bar but print every few labels only.
    label_every = max(1, -(-len(labels) // 12))
    parts = [
        f'<svg class="portal-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" focusable="false" '
        f'data-for="{escape(title_id)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}" '
        'stroke="#565c65" stroke-width="1"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="12" '
        f'fill="#1b1b1b">{escape(_fmt(peak, unit))}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="12" '
        'fill="#1b1b1b">0</text>',
    ]
    legend_x = left
    for k, (name, _values) in enumerate(series):
        fill = SERIES_FILLS[k % len(SERIES_FILLS)]
        parts.append(
            f'<rect x="{legend_x}" y="6" width="12" height="12" fill="{fill}"/>'
            f'<text x="{legend_x + 16}" y="16" font-size="12" fill="#1b1b1b">'
            f"{escape(name)}</text>"
        )
        legend_x += 24 + 7 * len(name)
    group_w = step * 0.8
    bar_w = group_w / len(series)
    for n, label in enumerate(labels):
        x0 = left + n * step + step * 0.1
        for k, (_name, values) in enumerate(series):
            value = values[n]
            if value is None:
                continue
            bar_h = plot_h * value / scale_max
            parts.append(
                f'<rect x="{x0 + k * bar_w:.1f}" y="{top + plot_h - bar_h:.1f}" '
                f'width="{max(bar_w - 1, 1):.1f}" height="{bar_h:.1f}" '
                f'fill="{SERIES_FILLS[k % len(SERIES_FILLS)]}"/>'
            )
        if n % label_every == 0:
            parts.append(
                f'<text x="{x0 + group_w / 2:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle" font-size="11" fill="#1b1b1b">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
