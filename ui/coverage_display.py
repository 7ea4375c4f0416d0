"""Display frames and charts of the coverage page: labelled, translated, small cells suppressed.

Pure functions of the measures (`data_access.queries.coverage_measures`) and the language. The same frames
feed the tables on screen and the exports, so a suppressed cell is suppressed everywhere. With
`formatted=True` (screen) rates become text ("95.2%", "<5"); with False (exports) they stay
numbers and a suppressed rate is the text "<5".
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data_access.queries.coverage_measures import population_rates
from data_access.queries.small_cells import (
    SUPPRESSED,
    is_small,
    mask_frame,
    rate_allowed,
    rate_placeholder,
)
from data_access.schema.reference import county_codes, read_catalogue
from ui.formatting import format_number, format_percent
from ui.i18n import N_, name_column, t
from ui.tables import catalogue_names
from ui.vocabulary import POLARITY_TEXT, SEVERITY_TEXT

# Columns shown as percentages (ratios 0..1) in tables and in Excel.
PERCENT_KEYS = frozenset({"coverage", "updated_share", "expired_share"})
# display column -> the measure defined in coverage.DEFINITIONS (its help text).
HELP = {
    "current": "current",
    "with_file": "with_file",
    "coverage": "coverage",
    "updated": "updated",
    "updated_share": "updated",
    "negative_per_1000": "negative_per_1000",
    "population_negative_per_1000": "population",
    "positive_per_1000": "positive_per_1000",
    "population_positive_per_1000": "population",
    "gap": "gap",
    "positive_records": "domain_records",
    "neutral_records": "domain_records",
    "negative_records": "domain_records",
    "records": "domain_records",
    "negative_total": "expired_share",
    "expired_share": "expired_share",
    "expiring": "expiring",
}
# column -> its header
COLUMN_TEXT = {
    "profession": N_("cov.col.profession"),
    "profession_code": N_("cov.col.profession_code"),
    "responsible_dept": N_("cov.col.responsible_dept"),
    "current": N_("cov.col.current"),
    "with_file": N_("cov.col.with_file"),
    "coverage": N_("cov.col.coverage"),
    "updated": N_("cov.col.updated"),
    "updated_share": N_("cov.col.updated_share"),
    "negative_per_1000": N_("cov.col.negative_per_1000"),
    "population_negative_per_1000": N_("cov.col.population_negative_per_1000"),
    "positive_per_1000": N_("cov.col.positive_per_1000"),
    "population_positive_per_1000": N_("cov.col.population_positive_per_1000"),
    "gap": N_("cov.col.gap"),
    "county": N_("cov.col.county"),
    "county_code": N_("cov.col.county_code"),
    "domain": N_("cov.col.domain"),
    "domain_code": N_("cov.col.domain_code"),
    "lead_dept": N_("cov.col.lead_dept"),
    "positive_records": N_("cov.col.positive_records"),
    "neutral_records": N_("cov.col.neutral_records"),
    "negative_records": N_("cov.col.negative_records"),
    "negative_total": N_("cov.col.negative_total"),
    "expired_share": N_("cov.col.expired_share"),
    "expiring": N_("cov.col.expiring"),
    "category": N_("cov.col.category"),
    "category_code": N_("cov.col.category_code"),
    "polarity": N_("cov.col.polarity"),
    "severity": N_("cov.col.severity"),
    "department": N_("cov.col.department"),
    "source_dept": N_("cov.col.source_dept"),
    "month": N_("cov.col.month"),
    "records": N_("cov.col.records"),
}
# measure (coverage.DEFINITIONS) -> its name and its definition
TERM_TEXT = {
    "current": N_("cov.term.current"),
    "with_file": N_("cov.term.with_file"),
    "coverage": N_("cov.term.coverage"),
    "updated": N_("cov.term.updated"),
    "negative_per_1000": N_("cov.term.negative_per_1000"),
    "positive_per_1000": N_("cov.term.positive_per_1000"),
    "population": N_("cov.term.population"),
    "target": N_("cov.term.target"),
    "gap": N_("cov.term.gap"),
    "domain_records": N_("cov.term.domain_records"),
    "expired_share": N_("cov.term.expired_share"),
    "expiring": N_("cov.term.expiring"),
    "small_cells": N_("cov.term.small_cells"),
}
DEFINITION_TEXT = {
    "current": N_("cov.def.current"),
    "with_file": N_("cov.def.with_file"),
    "coverage": N_("cov.def.coverage"),
    "updated": N_("cov.def.updated"),
    "negative_per_1000": N_("cov.def.negative_per_1000"),
    "positive_per_1000": N_("cov.def.positive_per_1000"),
    "population": N_("cov.def.population"),
    "target": N_("cov.def.target"),
    "gap": N_("cov.def.gap"),
    "domain_records": N_("cov.def.domain_records"),
    "expired_share": N_("cov.def.expired_share"),
    "expiring": N_("cov.def.expiring"),
    "small_cells": N_("cov.def.small_cells"),
}
# headline figure -> its label
METRIC_TEXT = {
    "current": N_("cov.metric.current"),
    "with_file": N_("cov.metric.with_file"),
    "coverage": N_("cov.metric.coverage"),
    "updated_share": N_("cov.metric.updated_share"),
    "gap": N_("cov.metric.gap"),
}
# exported table -> its sheet name
SHEET_TEXT = {
    "professions": N_("cov.sheet.professions"),
    "counties": N_("cov.sheet.counties"),
    "gaps": N_("cov.sheet.gaps"),
    "domains": N_("cov.sheet.domains"),
    "category": N_("cov.sheet.category"),
    "department": N_("cov.sheet.department"),
    "month": N_("cov.sheet.month"),
}
# breakdown of a domain's records -> its heading
BREAKDOWN_TEXT = {
    "category": N_("cov.by_category"),
    "department": N_("cov.by_department"),
    "month": N_("cov.by_month"),
}
# tab of the page
TAB_TEXT = {
    "professions": N_("cov.tab.professions"),
    "counties": N_("cov.tab.counties"),
    "domains": N_("cov.tab.domains"),
}


def label(key: str, language: str) -> str:
    return t(COLUMN_TEXT[key], language)


def column_help(frame: pd.DataFrame, keys: Iterable[str], language: str) -> dict[str, str]:
    """Displayed column label -> one-line definition, for the columns that have one."""
    return {
        label(key, language): t(DEFINITION_TEXT[HELP[key]], language)
        for key in keys
        if key in HELP and label(key, language) in frame.columns
    }


def figure_labels(frame: pd.DataFrame, keys: Iterable[str], language: str) -> set[str]:
    """Displayed labels of the figure columns (counts and rates, aligned right on screen)."""
    return {label(k, language) for k in keys if k in HELP and label(k, language) in frame.columns}


def percent_labels(keys: Iterable[str], language: str) -> set[str]:
    return {label(k, language) for k in keys if k in PERCENT_KEYS}


def _format_rate(value: object, percent: bool, language: str) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return format_percent(value, language) if percent else format_number(value, language, 1)


def _finish(
    masked: pd.DataFrame,
    keys: list[str],
    rate_keys: Iterable[str],
    placeholders: dict[str, pd.Series],
    language: str,
    formatted: bool,
) -> pd.DataFrame:
    """Select and label the columns; a suppressed rate shows "<5" (empty for an empty group)."""
    out = masked[keys].copy()
    for key in rate_keys:
        values = []
        for value, placeholder in zip(out[key], placeholders[key], strict=True):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                values.append(placeholder)
            else:
                values.append(
                    _format_rate(value, key in PERCENT_KEYS, language) if formatted else value
                )
        out[key] = pd.Series(values, index=out.index, dtype=object)
    if formatted:  # one type per column on screen: counts and "<5" as text
        for key in keys:
            if out[key].dtype == object:
                out[key] = out[key].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return out.rename(columns={k: label(k, language) for k in keys})


def _placeholder(group: pd.Series) -> pd.Series:
    """What replaces a rate that is not shown: None when the group is empty (the rate is
    undefined), else "<5" (the group or a part of it is small)."""
    values = [rate_placeholder(size) or None for size in group]
    return pd.Series(values, index=group.index, dtype=object)


# --------------------------------------------------------------------------- professions

PROFESSION_KEYS = [
    "profession", "profession_code", "responsible_dept", "current", "with_file", "coverage",
    "updated", "updated_share", "negative_per_1000", "population_negative_per_1000",
    "positive_per_1000", "population_positive_per_1000", "gap",
]  # fmt: skip
PROFESSION_RATES = [
    "coverage", "updated_share", "negative_per_1000", "population_negative_per_1000",
    "positive_per_1000", "population_positive_per_1000",
]  # fmt: skip


def profession_frame(
    table: pd.DataFrame, population: pd.Series, language: str, formatted: bool = True
) -> pd.DataFrame:
    """The per-profession table (rows of `coverage_measures.profession_table`)."""
    frame = table.copy()
    frame["profession"] = frame[name_column(language)]
    depts = catalogue_names("departments", language)
    frame["responsible_dept"] = frame["responsible_dept"].map(lambda c: depts.get(c, c))
    masked = mask_frame(
        frame,
        group="current",
        members=["with_file", "updated"],
        rates=["coverage", "updated_share", "negative_per_1000", "positive_per_1000"],
    )
    masked["gap"] = _derived_gap(masked)
    rates = population_rates(population)
    for polarity in ("negative", "positive"):
        value = rates[f"{polarity}_per_1000"] if rate_allowed(population["adults"]) else None
        masked[f"population_{polarity}_per_1000"] = pd.Series(
            [value] * len(masked), index=masked.index, dtype=object
        )
    placeholder = _placeholder(frame["current"])
    population_placeholder = _placeholder(pd.Series([population["adults"]] * len(frame)))
    population_placeholder.index = frame.index
    placeholders = {key: placeholder for key in PROFESSION_RATES}
    placeholders["population_negative_per_1000"] = population_placeholder
    placeholders["population_positive_per_1000"] = population_placeholder
    return _finish(masked, PROFESSION_KEYS, PROFESSION_RATES, placeholders, language, formatted)


def population_rate_texts(population: pd.Series) -> dict[str, str]:
    """The general population's records per 1,000 adults as text ("<5" when suppressed)."""
    rates = population_rates(population)
    out = {}
    for polarity in ("negative", "positive"):
        value = rates[f"{polarity}_per_1000"]
        allowed = rate_allowed(population["adults"]) and value is not None
        out[polarity] = f"{value:.1f}" if allowed else SUPPRESSED
    out["adults"] = f"{population['adults']:,}"
    return out


def _derived_gap(masked: pd.DataFrame) -> pd.Series:
    """The gap to the target is worked out from the practitioners and those with a file shown
    beside it: it is hidden exactly when the number with a file is, never on its own."""
    hidden = masked["with_file"].eq(SUPPRESSED)
    return masked["gap"].astype(object).where(~hidden, SUPPRESSED)


def total_figures(totals: dict, language: str) -> dict[str, str]:
    """The headline figures as text, small cells suppressed."""

    small = is_small(totals["current"])  # figures about 1-4 practitioners are hidden

    def share(value: float | None) -> str:
        if value is None:
            return "—"
        return SUPPRESSED if small else format_percent(value, language)

    return {
        "current": f"{totals['current']:,}",
        "with_file": SUPPRESSED if small else f"{totals['with_file']:,}",
        "coverage": share(totals["coverage"]),
        "updated_share": share(totals["updated_share"]),
        # the gap is worked out from the two counts beside it: hidden exactly when one of them is
        "gap": SUPPRESSED if small else f"{totals['gap']:,}",
        "below_target": str(totals["below_target"]),
    }


# --------------------------------------------------------------------------- counties

COUNTY_KEYS = ["profession", "profession_code", "county", "county_code", "current", "with_file",
               "coverage", "gap"]  # fmt: skip


def county_columns(selected: Iterable[str], present: Iterable[str]) -> list[str]:
    """The counties of the heat map: those selected (else the ten counties, in catalogue order),
    then any other county that has practitioners."""
    codes = list(selected) or [
        row["code"] for row in read_catalogue("counties") if row["code"] in county_codes()
    ]
    return codes + sorted(set(present) - set(codes))


def _with_names(cells: pd.DataFrame, professions: pd.DataFrame, language: str) -> pd.DataFrame:
    names = dict(zip(professions["code"], professions[name_column(language)], strict=True))
    counties = catalogue_names("counties", language)
    frame = cells.copy()
    frame["profession"] = frame["profession_code"].map(lambda c: names.get(c, c))
    frame["county"] = frame["county_code"].map(lambda c: counties.get(c, c))
    return frame


def county_frame(
    cells: pd.DataFrame, professions: pd.DataFrame, language: str, formatted: bool = True
) -> pd.DataFrame:
    """Profession x county cells (`coverage_measures.county_table` or `worst_gaps`)."""
    frame = _with_names(cells, professions, language)
    masked = mask_frame(frame, group="current", members=["with_file"], rates=["coverage"])
    masked["gap"] = _derived_gap(masked)
    placeholders = {"coverage": _placeholder(frame["current"])}
    return _finish(masked, COUNTY_KEYS, ["coverage"], placeholders, language, formatted)


def gap_frame(
    gaps: pd.DataFrame, professions: pd.DataFrame, language: str, formatted: bool = True
) -> pd.DataFrame:
    """The worst gaps: profession, county, persons missing (then the cell's figures)."""
    frame = county_frame(gaps, professions, language, formatted)
    first = [label(k, language) for k in ("profession", "county", "gap")]
    return frame[first + [c for c in frame.columns if c not in first]]


def coverage_heatmap(
    cells: pd.DataFrame, professions: pd.DataFrame, target: float, language: str
) -> go.Figure:
    """Profession x county heat map of coverage. A cell of 1-4 practitioners has no colour and reads
    "<5" (its size shows on hover); a cell without practitioners is empty. Colours run red (50 %
    or less) to green (100 %)."""
    frame = _with_names(cells, professions, language)
    rows = list(dict.fromkeys(frame["profession"]))
    columns = list(dict.fromkeys(frame["county"]))
    z = np.full((len(rows), len(columns)), np.nan)
    text = np.full((len(rows), len(columns)), "", dtype=object)
    hover = np.full((len(rows), len(columns)), "", dtype=object)
    for cell in frame.itertuples(index=False):
        i, j = rows.index(cell.profession), columns.index(cell.county)
        allowed = rate_allowed(cell.current)
        if cell.current == 0:
            shown = "—"
        elif allowed:
            z[i, j] = cell.coverage
            shown = format_percent(cell.coverage, language)
        else:
            shown = SUPPRESSED
        text[i, j] = shown if cell.current else ""
        gap = SUPPRESSED if is_small(cell.current) else str(cell.gap)
        hover[i, j] = (
            f"{cell.profession} · {cell.county}<br>{label('coverage', language)}: {shown}"
            f"<br>{label('current', language)}: {cell.current}<br>{label('gap', language)}: {gap}"
        )
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=rows,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="RdYlGn",
            zmin=0.5,
            zmax=1.0,
            xgap=2,
            ygap=2,
            colorbar={"title": label("coverage", language), "tickformat": ".0%"},
        )
    )
    figure.update_layout(
        title=t("cov.heat_title", language, target=format_percent(target, language)),
        height=max(320, 36 * len(rows) + 160),
        yaxis={"autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return figure


# --------------------------------------------------------------------------- domains

DOMAIN_KEYS = [
    "domain", "domain_code", "lead_dept", "positive_records", "neutral_records",
    "negative_records", "negative_total", "expired_share", "expiring",
]  # fmt: skip


def domain_frame(summary: pd.DataFrame, language: str, formatted: bool = True) -> pd.DataFrame:
    """One row per domain (`coverage_measures.domain_summary`)."""
    frame = summary.copy()
    frame["domain"] = frame[name_column(language)]
    depts = catalogue_names("departments", language)
    frame["lead_dept"] = frame["lead_dept"].map(lambda c: depts.get(c, c))
    masked = _mask_domains(frame)
    placeholders = {"expired_share": _placeholder(frame["negative_total"])}
    return _finish(masked, DOMAIN_KEYS, ["expired_share"], placeholders, language, formatted)


def _mask_domains(frame: pd.DataFrame) -> pd.DataFrame:
    """The records of a domain are drawn from the whole population in scope and are shown; the
    expired share and the expiring records describe the persons behind the domain's negative
    records, hidden when they are 1 to 4."""
    return mask_frame(
        frame, group="negative_total_persons", members=["expiring"], rates=["expired_share"]
    )


def breakdown_frame(
    frame: pd.DataFrame, by: str, language: str, formatted: bool = True, with_domain: bool = False
) -> pd.DataFrame:
    """A breakdown of visible domain records (`coverage.domain_records`), labelled; with_domain
    adds the domain's name and code in front (the export of every domain at once)."""
    out = frame.copy()
    domains = catalogue_names("domains", language)
    out["domain"] = out["domain_code"].map(lambda c: domains.get(c, c))
    polarity = out["polarity"].map(lambda p: t(POLARITY_TEXT[p], language))
    if by == "category":
        categories = catalogue_names("record_categories", language)
        out["category"] = out["category_code"].map(lambda c: categories.get(c, c))
        out["severity"] = out["severity"].map(
            lambda s: t(SEVERITY_TEXT[s], language) if isinstance(s, str) and s else "—"
        )
        keys = ["category", "category_code", "polarity", "severity", "records"]
    elif by == "department":
        depts = catalogue_names("departments", language)
        out["department"] = out["source_dept"].map(lambda c: depts.get(c, c))
        keys = ["department", "source_dept", "polarity", "records"]
    else:
        keys = ["month", "polarity", "records"]
    out["polarity"] = polarity
    if with_domain:
        keys = ["domain", "domain_code", *keys]
    if formatted:
        out["records"] = out["records"].map(lambda n: format_number(n, language))
    return out[keys].rename(columns={k: label(k, language) for k in keys})


def month_chart(frame: pd.DataFrame, months: list[str], language: str) -> go.Figure:
    """Visible records of one domain per month of decision, one bar series per polarity (records
    are drawn from the whole population in scope: shown whatever their number)."""
    figure = go.Figure()
    colours = {"positive": "#2E7D32", "neutral": "#607D8B", "negative": "#C62828"}
    for polarity in ("positive", "neutral", "negative"):
        part = frame[frame["polarity"] == polarity].set_index("month")
        if part.empty:
            continue
        records = part["records"].reindex(months).fillna(0)
        name = t(POLARITY_TEXT[polarity], language)
        figure.add_bar(
            x=months,
            y=records,
            name=name,
            marker_color=colours[polarity],
            hovertemplate="%{x}: %{y}<extra>" + name + "</extra>",
        )
    figure.update_layout(
        title=t("cov.month_title", language),
        barmode="group",
        xaxis={"type": "category", "title": label("month", language)},
        yaxis={"title": label("records", language), "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25},
        height=380,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure
