"""The circular (通报): the ranking and the laggards as a formatted workbook, Chinese headers."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ui.exports import to_excel
from ui.i18n import N_, t
from ui.tables import COLUMN_TEXT, item_names, localise, unit_names

RANKING_COLUMNS = (
    "rank", "unit", "status", "due", "delivered", "on_time", "late", "missing",
    "avg_delay_days", "on_time_rate", "completeness", "rejection_rate",
)  # fmt: skip
RATE_COLUMNS = ("on_time_rate", "completeness", "rejection_rate")
# a unit's red/amber/green status
STATUS_TEXT = {"green": N_("status.green"), "amber": N_("status.amber"), "red": N_("status.red")}
# an annual report's state
ANNUAL_TEXT = {
    "filed_on_time": N_("annual.filed_on_time"),
    "filed_late": N_("annual.filed_late"),
    "overdue": N_("annual.overdue"),
    "open": N_("annual.open"),
}


def ranking_table(card: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = unit_names(lang)
    frame = card.assign(
        unit=card["unit_code"].map(lambda c: names.get(c, c)),
        status=card["status"].map(lambda s: t(STATUS_TEXT[s], lang)),
        avg_delay_days=card["avg_delay_days"].round(1),
    )
    return localise(frame, RANKING_COLUMNS, lang)


def laggard_table(status: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every late or missing delivery, worst first."""
    names, items = unit_names(lang), item_names(lang)
    bad = status[status["late"] | status["missing"]].copy()
    bad["unit"] = bad["unit_code"].map(lambda c: names.get(c, c))
    bad["item"] = bad["item_code"].map(lambda c: items.get(c, c))
    bad["state"] = [
        t("delivery.missing", lang) if missing else t("delivery.late", lang)
        for missing in bad["missing"]
    ]
    bad = bad.sort_values(["missing", "delay_days", "unit_code"], ascending=[False, False, True])
    return localise(
        bad, ["unit", "item", "item_code", "period", "due_date", "state", "delay_days"], lang
    )


def annual_outstanding(annual: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = unit_names(lang)
    frame = annual[annual["state"].isin(["overdue", "open"]) & annual["filed_at"].isna()].copy()
    frame["unit"] = frame["unit_code"].map(lambda c: names.get(c, c))
    frame["state"] = frame["state"].map(lambda s: t(ANNUAL_TEXT[s], lang))
    return localise(frame, ["year", "unit", "unit_code", "due_date", "state", "days_late"], lang)


def monthly_table(heat: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = unit_names(lang)
    if heat.empty:
        return pd.DataFrame()
    wide = heat.pivot(index="unit_code", columns="month", values="on_time_rate")
    wide.index = [names.get(c, c) for c in wide.index]
    wide.index.name = t("col.unit", lang)
    return wide.reset_index()


def circular_workbook(
    card: pd.DataFrame,
    status: pd.DataFrame,
    annual: pd.DataFrame,
    heat: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    lang: str,
    subtitle: str = "",
    supervision: pd.DataFrame | None = None,
) -> bytes:
    """The circular's sheets; with `supervision` (ui.supervision.items_table) also the
    supervision items (督办事项) with their state."""
    sheets = {
        t("reporting.sheet.ranking", lang): ranking_table(card, lang),
        t("reporting.sheet.laggards", lang): laggard_table(status, lang),
        t("reporting.sheet.annual", lang): annual_outstanding(annual, lang),
        t("reporting.sheet.monthly", lang): monthly_table(heat, lang),
    }
    if supervision is not None:
        sheets[t("reporting.sheet.supervision", lang)] = supervision
    percent = {t(COLUMN_TEXT[c], lang) for c in RATE_COLUMNS}
    percent |= {c for c in sheets[t("reporting.sheet.monthly", lang)].columns if c[:2] == "20"}
    title = t("reporting.export_title", lang, start=start, end=end, as_of=as_of)
    return to_excel(sheets, title, subtitle, percent_columns=percent)
