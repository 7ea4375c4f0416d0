"""Exports: formatted Excel workbooks and CSV files built from frames, safe to open.

Every text cell that a spreadsheet would read as a formula (starting with = + - @, or a tab or
carriage return) is neutralised with a leading apostrophe, in Excel and CSV alike.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from data_access.text import FORMULA_PREFIXES, neutralise

__all__ = ["FORMULA_PREFIXES", "neutralise", "safe_frame", "sheet_title"]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def sheet_title(name: str, taken: set[str]) -> str:
    """A legal, unique Excel sheet name: no []:*?/\\ characters, at most 31 characters."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("'")[:31] or "Sheet"
    title, n = clean, 2
    while title in taken:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    return title


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly. Lines end with
    CRLF (RFC 4180), which also makes a field holding a carriage return quoted: unquoted, the CR
    would end the row and start a cell with whatever follows it (e.g. a formula)."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_excel(
    sheets: Mapping[str, pd.DataFrame],
    title: str,
    subtitle: str = "",
    percent_columns: frozenset[str] | set[str] = frozenset(),
) -> bytes:
    """A workbook with one sheet per frame: a title row (e.g. the period and as-of date), a
    subtitle, bold headers with a filter, frozen panes, sensible widths; the columns named in
    percent_columns (ratios 0..1) are shown as percentages."""
    buffer = io.BytesIO()
    # Every text cell is written as text: xlsxwriter would otherwise turn "{=...}" into an array
    # formula (no prefix above catches it) and "http://..." into a live hyperlink.
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        book = writer.book
        title_format = book.add_format({"bold": True, "font_size": 14})
        subtitle_format = book.add_format({"italic": True, "font_color": "#555555"})
        header_format = book.add_format(
            {"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True, "valign": "top"}
        )
        percent_format = book.add_format({"num_format": "0.0%"})
        for sheet_name, frame in sheets.items():
            name = sheet_title(str(sheet_name), set(writer.sheets))
            safe = safe_frame(frame)
            safe.to_excel(writer, sheet_name=name, startrow=3, index=False, header=False)
            sheet = writer.sheets[name]
            sheet.write_string(0, 0, str(neutralise(title)), title_format)
            if subtitle:
                sheet.write_string(1, 0, str(neutralise(subtitle)), subtitle_format)
            for col, column in enumerate(safe.columns):
                sheet.write_string(2, col, column, header_format)
                values = safe[column].astype(str)
                width = max([len(column), *values.str.len().head(500).tolist()] or [8])
                sheet.set_column(
                    col,
                    col,
                    min(max(width * 1.6, 8), 48),
                    percent_format if column in percent_columns else None,
                )
            if len(safe.columns):
                sheet.autofilter(2, 0, 2 + len(safe), len(safe.columns) - 1)
            sheet.freeze_panes(3, 0)
    return buffer.getvalue()
