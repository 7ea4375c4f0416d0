"""Charts read by officials: dates as numbers (2026-03, 2026-03-15), never English month names,
and counts on whole-number ticks (no "0.2 件")."""

from __future__ import annotations

import math
from typing import Any

# Plotly picks the tick spacing; each range of spacing gets a numeric, language-free format.
DATE_TICKS = [
    {"dtickrange": [None, 86_400_000], "value": "%m-%d %H:%M"},
    {"dtickrange": [86_400_000, "M1"], "value": "%Y-%m-%d"},
    {"dtickrange": ["M1", "M12"], "value": "%Y-%m"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


def numeric_dates(figure: Any) -> Any:
    """The x axis of a chart over dates, labelled with numbers."""
    figure.update_xaxes(tickformatstops=DATE_TICKS, hoverformat="%Y-%m-%d")
    return figure


def whole_counts(figure: Any, axis: str = "y") -> Any:
    """A count axis: whole numbers only, from zero. Missing points (None or NaN: a line with no
    value that day, such as the peers' average of an operator without peers) are gaps, not counts."""
    update = figure.update_yaxes if axis == "y" else figure.update_xaxes
    update(tickformat=",d", rangemode="tozero", minallowed=0)
    maximum = 0.0
    for trace in figure.data:
        values = getattr(trace, axis, None)
        for value in () if values is None else values:
            if value is not None and not math.isnan(float(value)):
                maximum = max(maximum, float(value))
    if maximum <= 10:
        update(dtick=1)
    return figure
