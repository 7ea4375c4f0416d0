"""Charts of the reporting board: the month-by-unit heat map of on-time delivery.

A pure function of the board's frames and the language, so tests check what an official sees:
every month of the period is a column (labelled 2026-03, never "Mar 2026"), a month in which a
unit had nothing due is an empty grey cell reading "—" rather than a colour, and a department
head's map is titled for their own department.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.formatting import format_percent
from ui.i18n import t

NOTHING_DUE = "—"


def period_months(start: pd.Timestamp | object, end: pd.Timestamp | object) -> list[str]:
    """Every month from start to end as "YYYY-MM"."""
    return [p.strftime("%Y-%m") for p in pd.period_range(start=start, end=end, freq="M")]


def on_time_heatmap(
    heat: pd.DataFrame,
    units: Sequence[str],
    months: Sequence[str],
    names: Mapping[str, str],
    language: str,
    own_department: bool,
) -> go.Figure:
    """Units (rows, in the given order) by month of the due date; colour = on-time rate, red to
    green; the cell text is the rate, hover adds due and on-time counts; no colour where nothing
    was due."""
    rows = [u for u in units if u in set(heat["unit_code"])]
    z = np.full((len(rows), len(months)), np.nan)
    text = np.full((len(rows), len(months)), NOTHING_DUE, dtype=object)
    hover = np.full((len(rows), len(months)), "", dtype=object)
    column = {m: j for j, m in enumerate(months)}
    row = {u: i for i, u in enumerate(rows)}
    for i, unit in enumerate(rows):
        for j, month in enumerate(months):
            hover[i, j] = f"{names.get(unit, unit)} · {month}<br>" + t(
                "reporting.heat_nothing_due", language
            )
    for cell in heat.itertuples(index=False):
        if cell.unit_code not in row or cell.month not in column or not cell.due:
            continue
        i, j = row[cell.unit_code], column[cell.month]
        z[i, j] = cell.on_time_rate
        text[i, j] = format_percent(cell.on_time_rate, language, digits=0)
        hover[i, j] = f"{names.get(cell.unit_code, cell.unit_code)} · {cell.month}<br>" + t(
            "reporting.heat_hover", language, on_time=int(cell.on_time), due=int(cell.due)
        )
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=list(months),
            y=[names.get(u, u) for u in rows],
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="RdYlGn",
            zmin=0,
            zmax=1,
            xgap=2,
            ygap=2,
            colorbar={"title": t("col.on_time_rate", language), "tickformat": ".0%"},
        )
    )
    figure.update_layout(
        title=t("reporting.heat_title_own", language)
        if own_department
        else t("reporting.heat_title", language),
        height=max(260, 28 * len(rows) + 150),
        plot_bgcolor="#EEEEEE",
        xaxis={"type": "category", "title": t("col.month", language)},
        yaxis={"autorange": "reversed", "title": t("col.unit", language)},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return figure
