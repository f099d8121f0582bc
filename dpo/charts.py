"""Bar charts as SVG drawn on the server: no script (the CSP forbids inline scripts) and
presentation attributes only. Every chart has a title and an aria-label; the numbers are
also given as a table next to it."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 360, 150
LEFT, BOTTOM, TOP = 34, 28, 22


def bar_chart(*, title: str, labels: list[str], series: list[tuple[str, str, list[int]]]):
    """Grouped bars: one group per label, one bar per series (name, colour, values)."""
    top_value = max([1, *(v for _, _, values in series for v in values)])
    plot_w, plot_h = WIDTH - LEFT - 6, HEIGHT - BOTTOM - TOP
    group_w = plot_w / max(1, len(labels))
    bar_w = max(1.0, (group_w - 2) / max(1, len(series)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="9">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="12" font-size="10" font-weight="bold" fill="currentColor">'
        f"{escape(title)}</text>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 6}" y2="{TOP + plot_h}" '
        'stroke="#9ca3af"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" fill="currentColor">{top_value}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end" fill="currentColor">0</text>',
    ]
    step = max(1, len(labels) // 6)
    for i, label in enumerate(labels):
        x0 = LEFT + i * group_w + 1
        for j, (name, colour, values) in enumerate(series):
            value = values[i]
            if value:
                h = plot_h * value / top_value
                parts.append(
                    f'<rect x="{x0 + j * bar_w:.1f}" y="{TOP + plot_h - h:.1f}" '
                    f'width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                    f"<title>{escape(name)} · {escape(label)}: {value}</title></rect>"
                )
        if i % step == 0:
            parts.append(
                f'<text x="{x0 + group_w / 2:.1f}" y="{TOP + plot_h + 11}" text-anchor="middle" '
                f'fill="currentColor">{escape(label)}</text>'
            )
    x = LEFT
    for name, colour, _values in series:
        parts.append(f'<rect x="{x}" y="{HEIGHT - 10}" width="8" height="8" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 11}" y="{HEIGHT - 3}" fill="currentColor">{escape(name)}</text>'
        )
        x += 14 + 6 * len(name)
    parts.append("</svg>")
    # Every piece of text above was escaped; the rest is our own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703
