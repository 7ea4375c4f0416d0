"""Frames for display: translated column headers and names from the reference catalogues."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data_access.schema.reference import read_catalogue
from ui.i18n import name_column, t


def unit_names(lang: str) -> dict[str, str]:
    """Code -> name of every reporting unit (departments, counties, zones) in the language."""
    column = name_column(lang)
    names = {r["code"]: r[column] for r in read_catalogue("departments")}
    names.update({r["code"]: r[column] for r in read_catalogue("counties")})
    return names


def item_names(lang: str) -> dict[str, str]:
    column = name_column(lang)
    return {r["code"]: r[column] for r in read_catalogue("catalog_items")}


def localise(frame: pd.DataFrame, columns: Iterable[str], lang: str) -> pd.DataFrame:
    """Keep the given columns in order, headed by their translation (col.<name>)."""
    columns = list(columns)
    return frame[columns].rename(columns={c: t(f"col.{c}", lang) for c in columns})
