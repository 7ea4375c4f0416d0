"""Frames for display: translated column headers and names from the reference catalogues."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from data_access.schema.reference import read_catalogue
from ui.i18n import N_, name_column, t

# column -> its header
COLUMN_TEXT = {
    "rank": N_("col.rank"),
    "unit": N_("col.unit"),
    "unit_code": N_("col.unit_code"),
    "status": N_("col.status"),
    "due": N_("col.due"),
    "delivered": N_("col.delivered"),
    "on_time": N_("col.on_time"),
    "late": N_("col.late"),
    "missing": N_("col.missing"),
    "avg_delay_days": N_("col.avg_delay_days"),
    "rows_submitted": N_("col.rows_submitted"),
    "rows_rejected": N_("col.rows_rejected"),
    "on_time_rate": N_("col.on_time_rate"),
    "completeness": N_("col.completeness"),
    "rejection_rate": N_("col.rejection_rate"),
    "item": N_("col.item"),
    "item_code": N_("col.item_code"),
    "period": N_("col.period"),
    "due_date": N_("col.due_date"),
    "submitted_at": N_("col.submitted_at"),
    "delay_days": N_("col.delay_days"),
    "state": N_("col.state"),
    "year": N_("col.year"),
    "filed_at": N_("col.filed_at"),
    "days_late": N_("col.days_late"),
    "month": N_("col.month"),
}


def catalogue_names(catalogue: str, lang: str) -> dict[str, str]:
    """Code -> name in the language, of a reference catalogue (departments, counties ...)."""
    column = name_column(lang)
    return {r["code"]: r[column] for r in read_catalogue(catalogue)}


def unit_names(lang: str) -> dict[str, str]:
    """Code -> name of every reporting unit (departments, counties, zones) in the language."""
    return catalogue_names("departments", lang) | catalogue_names("counties", lang)


def item_names(lang: str) -> dict[str, str]:
    return catalogue_names("catalog_items", lang)


def localise(frame: pd.DataFrame, columns: Iterable[str], lang: str) -> pd.DataFrame:
    """Keep the given columns in order, headed by their translation (COLUMN_TEXT)."""
    columns = list(columns)
    return frame[columns].rename(columns={c: t(COLUMN_TEXT[c], lang) for c in columns})
