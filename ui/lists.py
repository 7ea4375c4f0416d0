"""The list decisions of a points ledger in the reader's language: "不在红名单：2026-06-01 的一般
ADMIN_PENALTY 计分至 2027-06-01"。 The reasons and their values come from scoring.points_ledger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from scoring.points_ledger import list_values
from scoring.points_policy import load_policy
from ui.grid import show_table
from ui.i18n import N_
from ui.session import lang, tr
from ui.tables import catalogue_names
from ui.vocabulary import SEVERITY_TEXT

# ledger columns that only list lines fill: left out of the record table under the decisions
LIST_ONLY_COLUMNS = ["listed", "counts_until", "severity"]
# data_access.schema.score_models.LISTS -> the list's name
LIST_TEXT = {
    "red_list": N_("ls.name.red_list"),
    "green_channel": N_("ls.name.green_channel"),
    "serious_record": N_("ls.name.serious_record"),
    "black_list": N_("ls.name.black_list"),
}
# scoring.points_ledger.LIST_REASONS -> the reason in words, with the same placeholders
REASON_TEXT = {
    "grade_and_clean": N_("ls.reason.grade_and_clean"),
    "grade_below": N_("ls.reason.grade_below"),
    "negative_counts": N_("ls.reason.negative_counts"),
    "no_negative": N_("ls.reason.no_negative"),
    "serious_counts": N_("ls.reason.serious_counts"),
    "no_serious": N_("ls.reason.no_serious"),
    "authority_list": N_("ls.reason.authority_list"),
    "no_authority_list": N_("ls.reason.no_authority_list"),
}


def show_ledger(frame: pd.DataFrame) -> None:
    """A person's ledger: the list decisions in words, then the start, record and total lines."""
    for row in frame[frame["line"] == "list"].to_dict("records"):
        st.markdown(("✔ " if row["listed"] else "✘ ") + list_decision(row))
    lines = frame[frame["line"] != "list"].drop(columns=LIST_ONLY_COLUMNS, errors="ignore")
    show_table(lines, hide_index=True, width="stretch")


def list_decision(row: Mapping[str, Any]) -> str:
    """One list line of a ledger in words."""
    values = list_values(row, load_policy())
    names = catalogue_names("record_categories", lang())
    values["category"] = names.get(values["category"], values["category"])  # names on screen
    if values["severity"]:
        values["severity"] = tr(SEVERITY_TEXT[values["severity"]])
    name = tr(LIST_TEXT[row["rule"]])
    reason = tr(REASON_TEXT[row["reason"]], **values)
    return (
        tr("ls.on", name=name, reason=reason)
        if row["listed"]
        else tr("ls.off", name=name, reason=reason)
    )
