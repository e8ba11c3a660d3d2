"""Server-side stacked bar chart geometry; the template draws it as inline SVG (autoescaped labels)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.desk.stats import WeeklyCounts

# Colour-blind-friendly palette (Okabe–Ito), then greys for the long tail.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#999999", "#666666")
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 40
MAX_SERIES = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    legend: list[tuple[str, str]]  # colour, label
    plot_left: int
    plot_bottom: float
    plot_right: int
    empty: bool


def _nice_max(value: int) -> int:
    """The smallest 4 × (1|2|5 × 10^k) that holds `value`: four even grid steps."""
    step = 1
    while step * 4 < value:
        for factor in (2, 2.5, 2):  # 1 → 2 → 5 → 10 → 20 …
            step = int(step * factor)
            if step * 4 >= value:
                break
    return step * 4


def stacked_bars(counts: WeeklyCounts, label_for, other_label: str) -> Chart:
    """`label_for(key)` names a series (topic, language) in the UI language."""
    series = list(counts.series.items())
    if len(series) > MAX_SERIES:  # fold the smallest series into "other"
        head, tail = series[: MAX_SERIES - 1], series[MAX_SERIES - 1:]
        folded = [sum(values) for values in zip(*(values for _, values in tail))]
        series = head + [("\x00other", folded)]
    totals = [sum(values[i] for _, values in series) for i in range(len(counts.weeks))]
    top = _nice_max(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(counts.weeks))
    bar_w = slot * 0.7
    names = [other_label if key == "\x00other" else label_for(key) for key, _ in series]
    bars = []
    for i, monday in enumerate(counts.weeks):
        y = TOP + plot_h
        for color, name, (_, values) in zip(PALETTE, names, series):
            if values[i]:
                h = plot_h * values[i] / top
                y -= h
                bars.append(Bar(LEFT + i * slot + (slot - bar_w) / 2, y, bar_w, h, color,
                                f"{monday:%d.%m.%Y}: {name} {values[i]}"))
    x_labels = [(LEFT + i * slot + slot / 2, f"{monday:%d.%m.}") for i, monday in enumerate(counts.weeks)]
    y_ticks = [(TOP + plot_h - plot_h * v / top, v) for v in range(0, top + 1, top // 4)]
    return Chart(WIDTH, HEIGHT, bars, x_labels, y_ticks, list(zip(PALETTE, names)), LEFT,
                 TOP + plot_h, WIDTH - RIGHT, empty=not any(totals))
