"""The monthly user-risk review (月度用户风险评估) in words: the tables of the query points page
and the Excel workbook for privacy officers (also written by `python -m data_access review`).

Takes a `MonthReview` (data_access.queries.query_points) of codes and numbers and gives frames
with translated headers, department and county names, masked operator names, reasons as text.
No Streamlit here: the command line uses it too.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from data_access.queries import query_points as qp
from ui.exports import to_excel
from ui.formatting import EMPTY, format_datetime, format_number, format_percent
from ui.i18n import N_, t
from ui.tables import catalogue_names

if TYPE_CHECKING:
    from data_access.queries.query_points import MonthReview

LEVEL_TEXT = {"high": N_("qp.level.high"), "medium": N_("qp.level.medium"),
              "low": N_("qp.level.low")}  # fmt: skip
# shown level -> colour (ui.grid.coloured); the word says it without the colour
LEVEL_COLOURS = {"high": "red", "medium": "amber", "low": "green"}
ROLE_TEXT = {
    "window": N_("qp.role.window"),
    "officer": N_("qp.role.officer"),
    "inspector": N_("qp.role.inspector"),
    "duty_officer": N_("qp.role.duty_officer"),
    "hr": N_("qp.role.hr"),
    "api_batch": N_("qp.role.api_batch"),
}
# each rule of qp.RULES: its reason for a service point and for a terminal
POINT_REASON = {
    "alerts": N_("qp.reason.alerts"),
    "unauthorised": N_("qp.reason.unauthorised"),
    "dormant": N_("qp.reason.dormant"),
    "cross_office": N_("qp.reason.point_cross_office"),
    "shared": N_("qp.reason.point_shared"),
    "multi_terminal": N_("qp.reason.multi_terminal"),
    "surge": N_("qp.reason.surge"),
}
TERMINAL_REASON = {
    **POINT_REASON,
    "cross_office": N_("qp.reason.terminal_cross_office"),
    "shared": N_("qp.reason.terminal_shared"),
}
DEFINITIONS = (
    N_("qp.def.point"),
    N_("qp.def.terminal"),
    N_("qp.def.unauthorised"),
    N_("qp.def.alerts"),
    N_("qp.def.shared"),
    N_("qp.def.multi"),
    N_("qp.def.dormant"),
    N_("qp.def.comparison"),
    N_("qp.def.risk"),
)


def definition_values() -> dict[str, object]:
    """The numbers the definitions name, from the rules themselves."""
    points = dict(qp.RULES)
    return {
        "dormant_days": qp.DORMANT_DAYS, "dormant_persons": qp.DORMANT_MIN_PERSONS,
        "multi_min": qp.MULTI_TERMINAL_MIN, "months": qp.COMPARISON_MONTHS,
        "unauth_factor": f"{qp.UNAUTH_FACTOR:g}", "unauth_floor": f"{qp.UNAUTH_FLOOR:.0%}",
        "unauth_min": qp.UNAUTH_MIN, "surge_factor": f"{qp.SURGE_FACTOR:g}",
        "surge_min": qp.SURGE_MIN, "high": qp.HIGH_POINTS, "medium": qp.MEDIUM_POINTS,
        "high_minus": qp.HIGH_POINTS - 1,
        **{f"p_{rule}": p for rule, p in points.items()},
    }  # fmt: skip


def definitions(lang: str) -> list[str]:
    values = definition_values()
    return [t(key, lang, **values) for key in DEFINITIONS]


def month_text(month: dt.date, lang: str) -> str:
    return t("qp.month", lang, year=month.year, month=month.month)


def point_name(key: str, lang: str) -> str:
    """'GOVSERVICE|411602' -> 市政务服务和大数据管理局 · 川汇区 (no county: the city level)."""
    if not isinstance(key, str) or "|" not in key:
        return EMPTY
    dept, county = key.split("|", 1)
    depts, counties = catalogue_names("departments", lang), catalogue_names("counties", lang)
    where = counties.get(county, county) if county else t("qp.city_level", lang)
    return t("qp.point_name", lang, department=depts.get(dept, dept), county=where)


def operator_text(name: object, op: object, lang: str) -> str:
    shown = name if isinstance(name, str) and name else EMPTY
    return t("qp.operator", lang, name=shown, operator=op)


def role_text(role: object, lang: str) -> str:
    return t(ROLE_TEXT[role], lang) if role in ROLE_TEXT else (str(role) if role else EMPTY)


def _reasons(row: dict, texts: dict[str, str], city_share: float | None, lang: str) -> str:
    found = []
    for rule, points in qp.RULES:
        if not row.get(f"r_{rule}"):
            continue
        avg = row.get("previous_average")
        values = {
            "alerts": int(row.get("alerts", 0)),
            "share": format_percent(row.get("unauthorised_share"), lang),
            "city": format_percent(city_share, lang),
            "dormant": int(row.get("dormant_operators", 0)),
            "cross": int(row.get("cross_office_terminals", row.get("points", 0))),
            "shared": int(row.get("shared_terminals", row.get("operators", 0))),
            "multi": int(row.get("multi_terminal_operators", 0)),
            "ratio": format_number(row["lookups"] / avg, lang, 1) if avg and avg == avg else EMPTY,
            "average": format_number(avg, lang, 1) if avg == avg else EMPTY,
        }
        found.append(t("qp.reason.with_points", lang, reason=t(texts[rule], lang, **values),
                       points=points))  # fmt: skip
    return t("qp.reason.separator", lang).join(found) if found else t("qp.reason.none", lang)


def _ranked(frame: pd.DataFrame, review: MonthReview, lang: str, *, terminal: bool) -> pd.DataFrame:
    city = review.totals.get("unauthorised_share")
    texts = TERMINAL_REASON if terminal else POINT_REASON
    out: dict[str, object] = {t("qp.col.rank", lang): range(1, len(frame) + 1)}
    if terminal:
        out[t("qp.col.terminal", lang)] = frame["terminal"]
    out[t("qp.col.point", lang)] = frame["point"].map(lambda k: point_name(k, lang))
    out |= {
        t("qp.col.level", lang): frame["level"].map(lambda v: t(LEVEL_TEXT[v], lang)),
        t("qp.col.risk_points", lang): frame["risk_points"],
        t("qp.col.reasons", lang): [
            _reasons(r, texts, city, lang) for r in frame.to_dict("records")
        ],
        t("qp.col.lookups", lang): frame["lookups"],
        t("qp.col.previous_average", lang): frame["previous_average"].round(1),
        t("qp.col.operators", lang): frame["operators"],
    }
    if not terminal:
        out[t("qp.col.terminals", lang)] = frame["terminals"].astype(int)
        out[t("qp.col.no_terminal", lang)] = frame["no_terminal"].astype(int)
    out |= {
        t("qp.col.unauthorised", lang): frame["unauthorised"],
        t("qp.col.unauthorised_share", lang): frame["unauthorised_share"],
        t("qp.col.alerts", lang): frame["alerts"],
    }
    if not terminal:
        out[t("qp.col.shared_terminals", lang)] = frame["shared_terminals"].astype(int)
    out[t("qp.col.multi_terminal_operators", lang)] = frame["multi_terminal_operators"]
    out[t("qp.col.dormant_operators", lang)] = frame["dormant_operators"]
    return pd.DataFrame(out)


def points_table(review: MonthReview, lang: str) -> pd.DataFrame:
    return _ranked(review.points, review, lang, terminal=False)


def terminals_table(review: MonthReview, lang: str) -> pd.DataFrame:
    return _ranked(review.terminals, review, lang, terminal=True)


def _operator_columns(frame: pd.DataFrame, lang: str) -> dict[str, object]:
    keys = (frame["department_code"].fillna("") + "|" + frame["county_code"].fillna("")).where(
        frame["department_code"].notna()
    )
    return {
        t("qp.col.operator", lang): [
            operator_text(n, o, lang) for n, o in zip(frame["name"], frame["op"], strict=True)
        ],
        t("qp.col.point", lang): keys.map(lambda k: point_name(k, lang)),
        t("qp.col.role", lang): frame["role"].map(lambda r: role_text(r, lang)),
    }


def shared_table(review: MonthReview, lang: str) -> pd.DataFrame:
    frame = review.shared
    return pd.DataFrame({
        t("qp.col.terminal", lang): frame["terminal"],
        **_operator_columns(frame, lang),
        t("qp.col.lookups", lang): frame["lookups"],
    })  # fmt: skip


def multi_table(review: MonthReview, lang: str) -> pd.DataFrame:
    frame = review.multi_terminal
    sep = t("qp.list_separator", lang)
    listed = [
        sep.join(t("qp.terminal_count", lang, terminal=term, n=n) for term, n in pairs)
        for pairs in frame["terminal_lookups"]
    ]
    return pd.DataFrame({
        **_operator_columns(frame, lang),
        t("qp.col.terminals", lang): frame["terminals"],
        t("qp.col.lookups", lang): frame["lookups"],
        t("qp.col.terminal_list", lang): listed,
    })  # fmt: skip


def dormant_table(review: MonthReview, lang: str) -> pd.DataFrame:
    frame = review.dormant
    last = [
        format_datetime(v.to_pydatetime(), lang) if pd.notna(v) else t("qp.never_before", lang)
        for v in frame["last_before"]
    ]
    return pd.DataFrame({
        **_operator_columns(frame, lang),
        t("qp.col.last_before", lang): last,
        t("qp.col.idle_days", lang): frame["idle_days"],
        t("qp.col.first_in_month", lang): [
            format_datetime(v.to_pydatetime(), lang) for v in frame["first_in_month"]],
        t("qp.col.lookups", lang): frame["lookups"],
        t("qp.col.persons", lang): frame["persons"],
    })  # fmt: skip


def alerts_table(review: MonthReview, lang: str) -> pd.DataFrame:
    frame = review.open_alerts
    return pd.DataFrame({
        **_operator_columns(frame, lang),
        t("qp.col.open", lang): frame["open"],
        t("qp.col.escalated", lang): frame["escalated"],
        t("qp.col.top_score", lang): frame["top_score"].round(1),
        t("qp.col.first_window", lang): [
            format_datetime(pd.Timestamp(v).to_pydatetime(), lang, "yyyy-MM-dd")
            for v in frame["first_window"]],
    })  # fmt: skip


# the summary's counts: totals key -> its label
SUMMARY_COUNTS = (
    ("lookups", N_("qp.tile.lookups")),
    ("previous_lookups", N_("qp.tile.previous_lookups")),
    ("persons", N_("qp.tile.persons")),
    ("operators", N_("qp.tile.operators")),
    ("points", N_("qp.tile.points")),
    ("terminals", N_("qp.tile.terminals")),
    ("no_terminal", N_("qp.tile.no_terminal")),
    ("unauthorised", N_("qp.tile.unauthorised")),
    ("unauthorised_share", N_("qp.tile.unauthorised_share")),
    ("high_points", N_("qp.tile.high_points")),
    ("shared_terminals", N_("qp.tile.shared_terminals")),
    ("multi_terminal_operators", N_("qp.tile.multi_terminal_operators")),
    ("dormant_operators", N_("qp.tile.dormant_operators")),
    ("alerted_operators", N_("qp.tile.alerted_operators")),
    ("open_alert_operators", N_("qp.tile.open_alert_operators")),
)


def total_text(review: MonthReview, key: str, lang: str) -> str:
    value = review.totals.get(key)
    if key == "unauthorised_share":
        return format_percent(value, lang)
    if key == "dormant_operators" and not review.dormant_judged:
        return EMPTY
    return format_number(value, lang, 0) if value is not None else EMPTY


def summary_table(review: MonthReview, lang: str) -> pd.DataFrame:
    rows = [(t("qp.summary.month", lang), month_text(review.month, lang))]
    rows += [(t(label, lang), total_text(review, key, lang)) for key, label in SUMMARY_COUNTS]
    if not review.dormant_judged:
        rows.append((t("qp.tile.dormant_operators", lang),
                     t("qp.dormant_not_judged", lang, days=qp.DORMANT_DAYS)))  # fmt: skip
    rows += [(t("qp.summary.definition", lang), text) for text in definitions(lang)]
    return pd.DataFrame(rows, columns=[t("qp.summary.item", lang), t("qp.summary.value", lang)])


def counties_text(review: MonthReview, lang: str) -> str:
    """The counties a review is narrowed to, by name."""
    names = catalogue_names("counties", lang)
    return ("、" if lang == "zh" else ", ").join(names.get(c, c) for c in review.counties)


def review_workbook(review: MonthReview, lang: str) -> bytes:
    """The monthly user-risk review: summary, points, terminals, multi-terminal operators,
    dormant accounts, open alerts per operator, shared terminals."""
    sheets = {
        t("qp.sheet.summary", lang): summary_table(review, lang),
        t("qp.sheet.points", lang): points_table(review, lang),
        t("qp.sheet.terminals", lang): terminals_table(review, lang),
        t("qp.sheet.multi", lang): multi_table(review, lang),
        t("qp.sheet.dormant", lang): dormant_table(review, lang),
        t("qp.sheet.alerts", lang): alerts_table(review, lang),
        t("qp.sheet.shared", lang): shared_table(review, lang),
    }
    subtitle = t("qp.report.subtitle", lang)
    if review.counties:
        subtitle += " " + t("qp.counties_shown", lang, counties=counties_text(review, lang))
    return to_excel(
        sheets,
        title=t("qp.report.title", lang, month=month_text(review.month, lang)),
        subtitle=subtitle,
        percent_columns={t("qp.col.unauthorised_share", lang)},
    )
