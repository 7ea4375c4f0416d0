"""Every table a page shows goes through `show_table`: what an official reads, not what pandas
holds. A missing value reads "—" (never None, nan or NaT); whole numbers keep their thousands
separators; a number column the page configures itself (a percentage, a progress bar) is left to
its configuration, its missing cells included; the table fills the page's width."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

MISSING = "—"


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


def show_table(frame: pd.DataFrame, **kwargs: Any) -> None:
    """st.dataframe of `for_display(frame)`, index hidden and full width unless told otherwise."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    st.dataframe(for_display(frame, kwargs.get("column_config")), **kwargs)
