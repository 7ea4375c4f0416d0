"""Every table a page shows goes through `show_table`: what an official reads, not what pandas
holds. A missing value reads "—" (never None, nan or NaT); whole numbers keep their thousands
separators; a number column the page configures itself (a percentage, a progress bar) is left to
its configuration, its missing cells included; a status column can colour its words (green for
good), the shape in front of each word saying the same for anyone who cannot see colour; the table
fills the page's width."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

MISSING = "—"
# a red/amber/green status's colour, dark enough to read as text on white
STATUS_COLOURS = {"green": "#1B7F3B", "amber": "#A15C00", "red": "#C62828"}


def _shown_column(values: pd.Series) -> pd.Series:
    if not values.isna().any():
        return values
    if pd.api.types.is_bool_dtype(values) or values.dtype == object:
        return values.astype(object).where(values.notna(), MISSING)
    if pd.api.types.is_numeric_dtype(values):
        present = values.dropna()
        whole = bool(len(present)) and bool((present == present.round()).all())

        def text(v: float) -> str:
            if pd.isna(v):
                return MISSING
            return f"{int(v):,}" if whole else f"{v:,.1f}"

        return values.map(text).astype(object)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d %H:%M").where(values.notna(), MISSING).astype(object)
    return values.astype(object).where(values.notna(), MISSING)


def for_display(frame: pd.DataFrame, configured: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The frame as shown: missing values as "—" except in the configured columns."""
    keep = set(configured or ())
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        present = values.dropna()
        numbers = bool(len(present)) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in present
        )
        if column in keep and (numbers or pd.api.types.is_numeric_dtype(values)):
            # a configured number column formats itself: numbers with empty cells, never text
            out[column] = pd.to_numeric(values, errors="coerce")
        else:
            out[column] = _shown_column(values)
    return out


def coloured(frame: pd.DataFrame, colours: Mapping[str, Mapping[str, str]]) -> Any:
    """A Styler of frame whose columns in `colours` (column -> shown value -> CSS colour) colour
    their text; other cells are unstyled."""

    def style(column: str) -> Any:
        palette = colours[column]
        return lambda value: (
            f"color: {palette[value]}; font-weight: 600" if value in palette else ""
        )

    styler = frame.style
    for column in colours:
        if column in frame.columns:
            styler = styler.map(style(column), subset=[column])
    return styler


def show_table(
    frame: pd.DataFrame, colours: Mapping[str, Mapping[str, str]] | None = None, **kwargs: Any
) -> None:
    """st.dataframe of `for_display(frame)`, index hidden and full width unless told otherwise;
    `colours` colours the text of status columns (see `coloured`)."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    shown = for_display(frame, kwargs.get("column_config"))
    st.dataframe(coloured(shown, colours) if colours else shown, **kwargs)
