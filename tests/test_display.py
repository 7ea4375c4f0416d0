"""What officials read in tables and charts: "—" for a missing value, numbers as numbers, dates
without English month names, whole-number count ticks, the uploader's words in the language, and a
gap to the target suppressed only together with the counts it is worked out from."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.express as px

from data_access.queries.small_cells import SUPPRESSED
from ui.charts import numeric_dates, whole_counts
from ui.coverage_display import total_figures
from ui.grid import MISSING, for_display


def test_missing_values_read_as_a_dash_and_numbers_keep_their_form():
    frame = pd.DataFrame(
        {
            "unit": ["市教育局", None],
            "days": [np.nan, 3.0],
            "share": [0.5, np.nan],
            "filed": [pd.Timestamp("2026-03-01 09:30"), pd.NaT],
            "count": [1200, 5],
        }
    )
    shown = for_display(frame, {"share": object()})
    assert list(shown["unit"]) == ["市教育局", MISSING]
    assert list(shown["days"]) == [MISSING, "3"]  # whole numbers stay whole
    assert np.isnan(shown["share"].iloc[1])  # a configured number column formats itself
    assert list(shown["filed"]) == ["2026-03-01 09:30", MISSING]
    assert shown["count"].tolist() == [1200, 5]  # nothing missing: left as numbers
    assert "None" not in shown.astype(str).to_numpy().ravel().tolist()


def test_a_column_of_dates_with_gaps_is_one_type_arrow_accepts():
    """Dates beside "—" (a decision not yet taken) become ISO text, so Streamlit need not repair
    the column (it logged a failed Arrow conversion for the repair page's decision dates)."""
    import pyarrow as pa

    frame = pd.DataFrame({
        "decided_at": [dt.date(2026, 10, 9), None, dt.date(2026, 11, 2)],
        "answered": [dt.datetime(2026, 10, 9, 14, 5), None, None],
    })  # fmt: skip
    shown = for_display(frame)
    assert list(shown["decided_at"]) == ["2026-10-09", MISSING, "2026-11-02"]
    assert list(shown["answered"]) == ["2026-10-09 14:05", MISSING, MISSING]
    pa.Table.from_pandas(shown)  # raised ArrowTypeError before


def test_charts_label_dates_with_numbers_and_counts_with_whole_numbers():
    data = pd.DataFrame({"week": pd.to_datetime(["2026-10-05", "2026-11-02"]), "n": [1, 2]})
    figure = whole_counts(numeric_dates(px.bar(data, x="week", y="n")))
    formats = {stop.value for stop in figure.layout.xaxis.tickformatstops}
    assert formats == {"%m-%d %H:%M", "%Y-%m-%d", "%Y-%m", "%Y"}
    assert figure.layout.yaxis.tickformat == ",d" and figure.layout.yaxis.dtick == 1
    big = whole_counts(px.bar(pd.DataFrame({"x": ["a"], "n": [400]}), x="x", y="n"))
    assert big.layout.yaxis.dtick is None  # plotly spaces large counts itself
    # an operator without peers: the peers' line has no values (None), a gap and no count
    days = [dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
    activity = pd.DataFrame({"day": days, "operator": [3, 40], "peers": [None, None]})
    long = activity.melt(id_vars="day", value_vars=["operator", "peers"], var_name="who")
    lonely = whole_counts(px.line(long, x="day", y="value", color="who"))
    assert lonely.layout.yaxis.tickformat == ",d" and lonely.layout.yaxis.dtick is None
    alone = activity.assign(operator=[2, 5]).melt(id_vars="day", var_name="who")
    assert whole_counts(px.line(alone, x="day", y="value", color="who")).layout.yaxis.dtick == 1


def test_the_gap_is_hidden_only_with_the_counts_it_comes_from():
    base = {"updated": 10, "coverage": 31 / 35, "updated_share": 10 / 35, "below_target": 1}
    shown = total_figures({**base, "current": 35, "with_file": 31, "gap": 3}, "zh")
    assert (shown["current"], shown["with_file"], shown["gap"]) == ("35", "31", "3")
    few = total_figures({**base, "current": 35, "with_file": 3, "gap": 31}, "zh")
    assert (few["with_file"], few["gap"]) == ("3", "31")  # 3 of 35 says nothing of anyone
    small = total_figures({**base, "current": 4, "with_file": 3, "gap": 1}, "zh")
    assert (small["current"], small["with_file"], small["gap"]) == ("4", SUPPRESSED, SUPPRESSED)
    assert small["coverage"] == SUPPRESSED


def test_the_uploader_speaks_the_language(monkeypatch):
    import ui.uploader

    written: list[str] = []
    monkeypatch.setattr(ui.uploader.st, "html", written.append)
    ui.uploader.translated_uploader_style("zh", 20, "CSV、XLSX")
    assert '"选择文件"' in written[0] and '"每个文件不超过 20 MB · CSV、XLSX"' in written[0]
    ui.uploader.translated_uploader_style("en", 20, "CSV, XLSX")
    assert '"Choose a file"' in written[1]


def test_the_heat_map_shows_every_month_and_nothing_due_as_empty():
    from ui.reporting_charts import on_time_heatmap, period_months

    months = period_months(dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    assert months == ["2026-01", "2026-02", "2026-03", "2026-04"]
    heat = pd.DataFrame(
        {
            "unit_code": ["EDU", "EDU", "411602"],
            "month": ["2026-01", "2026-03", "2026-03"],
            "due": [2, 1, 4],
            "on_time": [2, 0, 3],
            "on_time_rate": [1.0, 0.0, 0.75],
        }
    )
    names = {"EDU": "市教育局", "411602": "川汇区"}
    figure = on_time_heatmap(heat, ["411602", "EDU", "PSB"], months, names, "zh", False)
    trace = figure.data[0]
    assert list(trace.y) == [
        "川汇区",
        "市教育局",
    ]  # the board's order; a unit without dues left out
    assert list(trace.x) == months and figure.layout.xaxis.type == "category"
    edu = list(trace.text[1])
    assert edu == ["100%", "—", "0%", "—"]  # February and April: nothing due, no colour
    assert np.isnan(trace.z[1][1]) and trace.z[1][2] == 0.0
    assert "本月无应报" in trace.customdata[1][1] and "按时 0 / 应报 1" in trace.customdata[1][2]
    assert figure.layout.title.text == "各单位按月按时率（按应报日期所在月）"
    own = on_time_heatmap(heat[heat["unit_code"] == "EDU"], ["EDU"], months, names, "zh", True)
    assert own.layout.title.text.startswith("本部门")


def test_a_status_column_colours_its_words_and_nothing_else():
    from ui.grid import STATUS_COLOURS, coloured

    frame = pd.DataFrame({"状态": ["● 绿", "■ 红", "—"], "单位": ["市教育局", "● 绿", "x"]})
    html = coloured(frame, {"状态": {"● 绿": STATUS_COLOURS["green"], "■ 红": "#C62828"}}).to_html()
    assert html.count(f"color: {STATUS_COLOURS['green']}") == 1  # the unit's name stays plain
    assert html.count("color: #C62828") == 1


def test_the_queue_shows_the_strongest_reasons_headline():
    from ui.alert_reasons import headline, reasons

    zh = (
        "整个时段：与本人同姓同村（社区）的居民 13 位，占其全部查询对象 3019 位的 0.4%，同层级人员"
        "通常占 0.02%；整个时段：与本人同村（社区）的居民 9 位，占……"
    )
    assert headline(zh, "zh") == "与本人同姓同村（社区）的居民 13 位"
    assert len(reasons(zh, "zh")) == 2 and reasons(zh, "zh")[1].startswith("整个时段：与本人同村")
    assert headline("时间窗内批量授权核查之外查询 400 次，为常态的 4.8 倍", "zh") == (
        "时间窗内批量授权核查之外查询 400 次"
    )
    en = "Over the range: 307 lookups without a purpose (of 400), about 20 expected; In the week: x"
    assert headline(en, "en") == "307 lookups without a purpose"
    assert headline(
        "时间窗内：无查询事由的查询 359 次（时间窗内共 400 次），预计约 20 次", "zh"
    ) == ("无查询事由的查询 359 次")
    assert headline(None, "zh") == "" and reasons("", "en") == []


def test_a_configured_number_column_with_missing_cells_reads_dash_not_none():
    import streamlit as st

    from ui.grid import with_missing_numbers_as_text

    frame = pd.DataFrame({"rate": [1.0, None, 0.8333], "days": [2.0, None, 3.0], "n": [1, 2, 3]})
    config = {
        "rate": st.column_config.NumberColumn("按时率", format="percent", help="h"),
        "days": st.column_config.NumberColumn("天数", format="%.1f"),
        "n": st.column_config.NumberColumn("件数"),  # nothing missing: left as it is
    }
    shown, new = with_missing_numbers_as_text(frame, config)
    assert shown["rate"].tolist() == ["100%", "—", "83.3%"]
    assert shown["days"].tolist() == ["2.0", "—", "3.0"]
    assert new["rate"]["type_config"]["type"] == "text" and new["rate"]["help"] == "h"
    assert new["n"] is config["n"] and shown["n"].tolist() == [1, 2, 3]
    assert frame["rate"].isna().sum() == 1  # the input is untouched
