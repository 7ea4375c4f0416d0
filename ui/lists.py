"""The list decisions of a points ledger in the reader's language: "不在红名单：2026-06-01 的一般
ADMIN_PENALTY 计分至 2027-06-01"。 The reasons and their values come from scoring.points_ledger."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from data_access.schema.reference import read_catalogue
from scoring.points_ledger import list_values
from scoring.points_policy import load_policy
from ui.i18n import name_column
from ui.session import lang, tr

# ledger columns that only list lines fill: left out of the record table under the decisions
LIST_ONLY_COLUMNS = ["listed", "counts_until", "severity"]


def show_ledger(frame: pd.DataFrame) -> None:
    """A person's ledger: the list decisions in words, then the start, record and total lines."""
    for row in frame[frame["line"] == "list"].to_dict("records"):
        st.markdown(("✔ " if row["listed"] else "✘ ") + list_decision(row))
    lines = frame[frame["line"] != "list"].drop(columns=LIST_ONLY_COLUMNS, errors="ignore")
    st.dataframe(lines, hide_index=True, width="stretch")


def list_decision(row: Mapping[str, Any]) -> str:
    """One list line of a ledger in words."""
    values = list_values(row, load_policy())
    names = {r["code"]: r[name_column(lang())] for r in read_catalogue("record_categories")}
    values["category"] = names.get(values["category"], values["category"])  # names on screen
    if values["severity"]:
        values["severity"] = tr(f"ls.severity.{values['severity']}")
    name = tr(f"ls.name.{row['rule']}")
    where = tr("ls.on", name=name) if row["listed"] else tr("ls.off", name=name)
    reason = tr(f"ls.reason.{row['reason']}", **values)
    return f"{where}：{reason}"
