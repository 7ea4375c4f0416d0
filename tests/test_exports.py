"""Exports: formula injection neutralised in CSV and Excel; legal, unique sheet names."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from ui.exports import sheet_title, to_csv, to_excel

HOSTILE = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "王建明"],
                        "n": [1, 2, 3, 4, 5]})  # fmt: skip


def test_csv_cells_that_would_start_a_formula_are_neutralised():
    text = to_csv(HOSTILE).decode("utf-8-sig").splitlines()
    assert text[1].startswith("\"'=HYPERLINK") and text[2] == "'+1,2" and text[5] == "王建明,5"


def test_excel_cells_are_text_not_formulas_and_sheet_names_are_legal():
    book = openpyxl.load_workbook(
        io.BytesIO(to_excel({"Evidence: a/b": HOSTILE, "Evidence: a/b ": HOSTILE}, "T", "S"))
    )
    assert book.sheetnames == ["Evidence_ a_b", "Evidence_ a_b "]
    sheet = book.worksheets[0]
    assert (sheet["A1"].value, sheet["A2"].value) == ("T", "S")
    assert [sheet.cell(row=r, column=1).value for r in range(4, 9)] == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "王建明",
    ]  # fmt: skip
    assert sheet.cell(row=4, column=1).data_type == "s"


def test_sheet_titles_are_unique_and_short():
    assert sheet_title("x" * 40, set()) == "x" * 31
    assert sheet_title("x" * 40, {"x" * 31}) == "x" * 27 + " (2)"


def test_markdown_specials_from_imported_data_stay_text():
    from ui.markdown import escape_markdown

    assert escape_markdown("ref [x](http://e.vil) *b*") == r"ref \[x\]\(http://e\.vil\) \*b\*"
    assert escape_markdown("同姓同村 6 位") == "同姓同村 6 位"
