"""Every table a page shows goes through `show_table`: what an official reads, not what pandas
holds. A missing value reads "—" (never None, nan or NaT); whole numbers keep their thousands
separators; a number column the page configures itself (a percentage, a progress bar) is left to
its configuration, unless it has missing cells: Streamlit would draw them as "None", so such a
number column is written as text in its format, "—" where missing; a status column can colour its
words (green for good), the shape in front of each word saying the same for anyone who cannot see
colour (tables longer than COLOURED_ROWS_MAX rows keep the words and shapes only); the table fills
the page's width."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

MISSING = "—"
COLOURED_ROWS_MAX = 1000  # longer tables are shown without coloured status words
# a red/amber/green status's colour, dark enough to read as text on white
STATUS_COLOURS = {"green": "#1B7F3B", "amber": "#A15C00", "red": "#C62828"}


def _day_text(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return MISSING if pd.isna(value) else value  # type: ignore[call-overload]


def _shown_column(values: pd.Series) -> pd.Series:
    if not values.isna().any():
        return values
    present = values.dropna()
    if values.dtype == object and len(present) and all(isinstance(v, dt.date) for v in present):
        # dates beside "—": one type for the column (Arrow refuses a column of dates and text)
        return values.map(_day_text).astype(object)
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


def _number_text(value: float, number_format: str | None) -> str:
    if pd.isna(value):
        return MISSING
    if number_format == "percent":
        return f"{value:.1%}".replace(".0%", "%")
    if number_format and number_format.startswith("%"):
        return number_format % value
    return f"{value:,}"


def with_missing_numbers_as_text(
    frame: pd.DataFrame, config: Mapping[str, Any] | None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Configured number columns with missing cells become text in their own format ("83.3%",
    "—"), their configuration a text column of the same label, help and width."""
    out, new_config = frame, dict(config or {})
    for column, spec in (config or {}).items():
        kind = (
            (spec or {}).get("type_config", {}).get("type") if isinstance(spec, Mapping) else None
        )
        if kind != "number" or column not in frame.columns or not frame[column].isna().any():
            continue
        number_format = spec["type_config"].get("format")
        values = pd.to_numeric(frame[column], errors="coerce")
        if out is frame:
            out = frame.copy()
        out[column] = pd.Series(
            [_number_text(v, number_format) for v in values], index=frame.index, dtype=object
        )
        new_config[column] = st.column_config.TextColumn(
            spec.get("label"), help=spec.get("help"), width=spec.get("width")
        )
    return out, new_config


def _holds_numbers_only(values: pd.Series) -> bool:
    """An object column whose values (missing aside) are all numbers, and there are some."""
    present = values.dropna()
    return bool(len(present)) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in present
    )


def for_display(frame: pd.DataFrame, configured: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The frame as shown: missing values as "—" except in the configured columns."""
    keep = set(configured or ())
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if column in keep and (
            pd.api.types.is_numeric_dtype(values) or _holds_numbers_only(values)
        ):
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
    if kwargs.get("column_config"):
        frame, kwargs["column_config"] = with_missing_numbers_as_text(
            frame, kwargs["column_config"]
        )
    shown = for_display(frame, kwargs.get("column_config"))
    # colour is a second cue (the word says it): a long table goes without, since the Styler
    # that colours it costs about 0.1 s per thousand rows of every render
    colour = bool(colours) and len(shown) <= COLOURED_ROWS_MAX
    st.dataframe(coloured(shown, colours) if colour else shown, **kwargs)
