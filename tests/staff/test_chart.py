"""The dashboard chart's geometry: stacked bars, folded long tail, grid steps."""

from datetime import date, timedelta

from bot.desk.stats import WeeklyCounts
from bot.web.chart import MAX_SERIES, _nice_max, stacked_bars


def test_bars_stack_to_the_weekly_total_and_small_series_fold_into_other():
    weeks = [date(2026, 11, 2) + timedelta(weeks=n) for n in range(3)]
    series = {f"topic{n}": [n + 1, 0, 2] for n in range(10)}
    chart = stacked_bars(WeeklyCounts(weeks, series), str.upper, "Other")
    assert len(chart.legend) == MAX_SERIES and chart.legend[-1][1] == "Other"
    assert chart.legend[0][1] == "TOPIC0"
    # Week 1 is empty; weeks 0 and 2 stack to their totals (55 and 20) on one scale.
    heights = {x: 0.0 for x, _ in chart.x_labels}
    for bar in chart.bars:
        slot = min(heights, key=lambda x: abs(x - (bar.x + bar.width / 2)))
        heights[slot] += bar.height
    h0, h1, h2 = heights.values()
    assert h1 == 0 and abs(h0 / h2 - 55 / 20) < 1e-9
    assert not chart.empty


def test_empty_weeks_say_so():
    weeks = [date(2026, 11, 2)]
    assert stacked_bars(WeeklyCounts(weeks, {}), str, "Other").empty


def test_grid_tops_are_four_even_steps():
    assert [_nice_max(v) for v in (0, 1, 4, 5, 8, 9, 21, 55, 199)] == [4, 4, 4, 8, 8, 20, 40, 80, 200]
