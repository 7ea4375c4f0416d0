"""Page: 部门报送进度 / Reporting progress — each unit's catalogue deliveries and annual reports."""

from __future__ import annotations

import datetime as dt
from functools import partial

import plotly.express as px
import streamlit as st

from services import reporting, supervision
from services.reporting import Thresholds
from ui.access import require_page, scope_text
from ui.charts import numeric_dates
from ui.circular import (
    ANNUAL_TEXT,
    STATUS_TEXT,
    annual_outstanding,
    circular_workbook,
    laggard_table,
    ranking_table,
)
from ui.exports import to_csv
from ui.formatting import format_percent
from ui.grid import STATUS_COLOURS, show_table
from ui.i18n import N_
from ui.reporting_charts import on_time_heatmap, period_months
from ui.session import (
    coded,
    current_scope,
    current_user,
    database_url,
    filters,
    lang,
    today,
    tr,
    trn,
)
from ui.supervision import facts_text, items_table, open_form, summary_table
from ui.tables import COLUMN_TEXT, item_names, localise, unit_names

require_page("reporting")
url, scope, chosen = database_url(), current_scope(), filters()
as_of: dt.date = chosen["as_of"]
language = lang()

st.title(tr("page.reporting"))

months = [dt.date(y, mo, 1) for y in range(2024, as_of.year + 1) for mo in range(1, 13)]
months = [d for d in months if d <= as_of] or [as_of.replace(day=1)]
default_start = max(dt.date(as_of.year, 1, 1), months[0])
start, last_month = st.select_slider(
    tr("reporting.period"),
    options=months,
    value=(default_start, months[-1]),
    format_func=lambda d: f"{d.year}-{d.month:02d}",
    key="rep_period",
)
end = (dt.date(last_month.year + last_month.month // 12, last_month.month % 12 + 1, 1)
       - dt.timedelta(days=1))  # fmt: skip

with st.expander(tr("reporting.thresholds")):
    c1, c2, c3, c4 = st.columns(4)
    thresholds = Thresholds(
        green_on_time=c1.slider(tr("reporting.green_on_time"), 0.5, 1.0, 0.90, 0.01),
        green_completeness=c2.slider(tr("reporting.green_completeness"), 0.5, 1.0, 0.98, 0.01),
        amber_on_time=c3.slider(tr("reporting.amber_on_time"), 0.3, 1.0, 0.75, 0.01),
        amber_completeness=c4.slider(tr("reporting.amber_completeness"), 0.3, 1.0, 0.90, 0.01),
    )
thresholds_text = tr(
    "reporting.thresholds_text",
    g_on=format_percent(thresholds.green_on_time, language),
    g_c=format_percent(thresholds.green_completeness, language),
    a_on=format_percent(thresholds.amber_on_time, language),
    a_c=format_percent(thresholds.amber_completeness, language),
)
st.caption(tr("reporting.caption", start=start, end=end, as_of=as_of, scope=scope_text()))
st.caption(thresholds_text)

with st.expander(tr("reporting.glossary"), icon=":material/menu_book:"):
    for key in (N_("def.due"), N_("def.on_time_rate"), N_("def.completeness"), N_("def.late"),
                N_("def.missing"), N_("def.rejection_rate"), N_("def.rank"),
                N_("def.annual")):  # fmt: skip
        st.markdown(f"- {tr(key)}")

status = reporting.status(url, scope, start, end, as_of)
card = reporting.scorecard(url, scope, start, end, as_of, thresholds)
annual = reporting.annual(url, scope, as_of, chosen["counties"])

if status.empty:
    st.info(tr("reporting.no_items"))
else:
    due, on_time = len(status), int(status["on_time"].sum())
    k1, k2, k3, k4, k5 = st.columns(5)
    k1.metric(tr("reporting.units"), len(card))
    k2.metric(tr("col.due"), f"{due:,}", help=tr("def.due"))
    k3.metric(
        tr("col.on_time_rate"), format_percent(on_time / due, language), help=tr("def.on_time_rate")
    )
    k4.metric(
        tr("col.completeness"),
        format_percent(status["delivered"].sum() / due, language),
        help=tr("def.completeness"),
    )
    k5.metric(tr("col.missing"), int(status["missing"].sum()), help=tr("def.missing"))

city_wide = scope.sees_all_departments  # a department head's board is about one department
tabs = st.tabs([
    tr("reporting.tab.ranking") if city_wide else tr("reporting.tab.ranking_own"),
    tr("reporting.tab.heat"),
    tr("reporting.tab.trend") if city_wide else tr("reporting.tab.trend_own"),
    tr("reporting.tab.drill"), tr("reporting.tab.annual"), tr("reporting.tab.supervision"),
    tr("reporting.tab.export"),
])  # fmt: skip
names = unit_names(language)
SCREEN_RANKING = ("rank", "unit", "status", "on_time_rate", "completeness", "missing", "late",
                  "due", "delivered", "avg_delay_days", "rejection_rate")  # fmt: skip

with tabs[0]:
    if not card.empty:
        # on screen the most read columns first, counts narrow; a lone unit has no rank
        screen = [c for c in SCREEN_RANKING if len(card) > 1 or c != "rank"]
        ranking = ranking_table(card, language)
        show_table(
            ranking[[tr(COLUMN_TEXT[c]) for c in screen]],
            colours={tr("col.status"): {tr(STATUS_TEXT[s]): STATUS_COLOURS[s] for s in STATUS_TEXT}},
            hide_index=True,
            width="stretch",
            column_config={
                tr(COLUMN_TEXT[c]): st.column_config.ProgressColumn(
                    tr(COLUMN_TEXT[c]), format="percent", min_value=0.0, max_value=1.0,
                    help=tr(definition), color="green", width="small",
                )
                for c, definition in (("on_time_rate", N_("def.on_time_rate")),
                                      ("completeness", N_("def.completeness")))
            }
            | {
                tr("col.rejection_rate"): st.column_config.NumberColumn(
                    tr("col.rejection_rate"), format="percent", help=tr("def.rejection_rate")
                )
            },
        )  # fmt: skip

with tabs[1]:
    heat = reporting.heat_map(url, scope, start, end, as_of)
    if not heat.empty:
        figure = on_time_heatmap(
            heat, list(card["unit_code"]), period_months(start, end), names, language,
            own_department=not city_wide,
        )  # fmt: skip
        st.plotly_chart(figure, width="stretch")
        st.caption(tr("reporting.heat_caption"))

with tabs[2]:
    trend = reporting.trend(url, scope, start, end, as_of)
    if not trend.empty:
        long = trend.melt(
            id_vars="month", value_vars=["on_time_rate", "completeness"], var_name="measure"
        )
        long["measure"] = long["measure"].map(lambda c: tr(COLUMN_TEXT[c]))
        figure = px.line(long, x="month", y="value", color="measure", markers=True,
                         title=tr("reporting.trend_title") if city_wide
                         else tr("reporting.trend_title_own"),
                         labels={"month": tr("col.month"), "value": "", "measure": ""})  # fmt: skip
        figure.update_yaxes(tickformat=".0%", range=[0, 1.02])
        st.plotly_chart(numeric_dates(figure), width="stretch")
        st.caption(tr("def.on_time_rate"))

with tabs[3]:
    if not card.empty:
        unit = st.selectbox(
            tr("reporting.drill_unit"), list(card["unit_code"]),
            format_func=lambda c: names.get(c, c), key=coded("rep_drill_unit"),
        )  # fmt: skip
        mine = status[status["unit_code"] == unit].copy()
        items = item_names(language)
        mine["item"] = mine["item_code"].map(lambda c: items.get(c, c))
        mine["state"] = [
            tr("delivery.missing") if m else tr("delivery.late") if late else tr("delivery.on_time")
            for m, late in zip(mine["missing"], mine["late"], strict=True)
        ]
        per_item = (
            mine.groupby("item")
            .agg(due=("period", "size"), on_time=("on_time", "sum"), late=("late", "sum"),
                 missing=("missing", "sum"), rows_rejected=("rows_rejected", "sum"))
            .reset_index()
        )  # fmt: skip
        show_table(
            localise(per_item, ["item", "due", "on_time", "late", "missing", "rows_rejected"],
                     language),
            hide_index=True, width="stretch",
        )  # fmt: skip
        show_table(
            localise(
                mine.sort_values(["item_code", "period"]),
                ["item", "period", "due_date", "submitted_at", "state", "delay_days",
                 "rows_submitted", "rows_rejected"],
                language,
            ),
            hide_index=True, width="stretch",
        )  # fmt: skip
        laggards = mine[mine["late"] | mine["missing"]].sort_values(
            ["missing", "delay_days", "item_code", "period"], ascending=[False, False, True, True]
        )
        if scope.may_read("supervision_office") and not laggards.empty:
            # the office supervises a late or missing delivery from here, its facts copied
            drafts = {
                i: supervision.delivery_draft(row)
                for i, row in zip(laggards.index, laggards.to_dict("records"), strict=True)
            }
            picks = {i: f"{items.get(d.facts['item_code'], d.facts['item_code'])} · "
                        f"{d.facts['period']} · "
                        + (tr("delivery.missing") if d.facts["state"] == "missing"
                           else tr("delivery.late"))
                     for i, d in drafts.items()}  # fmt: skip
            pick = st.selectbox(tr("sv.pick_delivery"), list(picks), format_func=picks.get,
                                key=coded(f"rep_sv_pick_{unit}"))  # fmt: skip
            draft = drafts[pick]
            open_form(
                f"rep_sv_{unit}", "delivery", names.get(unit, unit),
                facts_text("delivery", draft.facts, as_of, language),
                supervision.open_refs(url, scope, "delivery").get(draft.source_ref), today(),
                lambda deadline, action: supervision.open_item(
                    url, scope, (current_user() or {})["username"], draft, as_of, deadline,
                    action, today(),
                ),
            )  # fmt: skip

with tabs[4]:
    st.caption(tr("def.annual"))
    this_year = annual[annual["year"] == as_of.year]
    days_left = (dt.date(as_of.year, 12, 31) - as_of).days
    st.markdown(
        "**" + trn("reporting.days_left.one", "reporting.days_left.other", days_left) + "**"
    )
    missing_now = this_year[this_year["filed_at"].isna()]
    st.markdown(tr("reporting.annual_missing", units=(
        "、".join(names.get(c, c) for c in missing_now["unit_code"]) or tr("reporting.none")
    )))  # fmt: skip
    overdue_past = annual[(annual["year"] < as_of.year) & (annual["state"] == "overdue")]
    st.markdown("**" + tr("reporting.annual_overdue_past") + "**")
    show_table(annual_outstanding(overdue_past, language), hide_index=True, width="stretch")
    if scope.may_read("supervision_office") and not overdue_past.empty:
        # the office supervises a unit (a county-level one too) whose report is overdue
        reports = overdue_past.sort_values(["year", "unit_code"]).to_dict("records")
        annual_drafts = [supervision.annual_draft(r) for r in reports]
        annual_picks = {i: tr("sv.pick_annual_label", unit=names.get(d.unit_code, d.unit_code),
                              year=d.facts["year"])
                        for i, d in enumerate(annual_drafts)}  # fmt: skip
        chosen_report = st.selectbox(tr("sv.pick_annual"), list(annual_picks),
                                     format_func=annual_picks.get, key=coded("rep_sv_pick_annual"))  # fmt: skip
        report_draft = annual_drafts[chosen_report]
        open_form(
            "rep_sv_annual", "delivery", names.get(report_draft.unit_code, report_draft.unit_code),
            facts_text("delivery", report_draft.facts, as_of, language),
            supervision.open_refs(url, scope, "delivery").get(report_draft.source_ref), today(),
            lambda deadline, action: supervision.open_item(
                url, scope, (current_user() or {})["username"], report_draft, as_of, deadline,
                action, today(),
            ),
        )  # fmt: skip
    table = annual.assign(
        unit=annual["unit_code"].map(lambda c: names.get(c, c)),
        state=annual["state"].map(lambda s: tr(ANNUAL_TEXT[s])),
    ).sort_values(["year", "unit_code"], ascending=[False, True])
    show_table(
        localise(table, ["year", "unit", "due_date", "filed_at", "state", "days_late"], language),
        hide_index=True, width="stretch",
    )  # fmt: skip

items_supervised = supervision.items(url, scope, today())
with tabs[5]:
    st.caption(tr("reporting.supervision_caption", today=today().isoformat()))
    per_unit = supervision.per_unit(url, scope, today())
    if per_unit.empty:
        st.caption(tr("sv.none"))
    else:
        show_table(summary_table(per_unit, language))
    st.page_link("pages/supervision.py", label=tr("reporting.supervision_go"),
                 icon=":material/arrow_forward:")  # fmt: skip

with tabs[6]:
    st.caption(tr("reporting.export_note"))
    heat = reporting.heat_map(url, scope, start, end, as_of)
    workbook = partial(  # built when the button is pressed
        circular_workbook, card, status, annual, heat, start, end, as_of, language,
        thresholds_text,
        supervision=items_table(items_supervised, language),
    )  # fmt: skip
    stamp = f"{start:%Y%m}-{end:%Y%m}_{as_of:%Y%m%d}"
    st.download_button(
        tr("reporting.export_excel"), workbook, file_name=f"reporting_circular_{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )  # fmt: skip
    st.download_button(
        tr("reporting.export_csv"), to_csv(ranking_table(card, language)),
        file_name=f"reporting_ranking_{stamp}.csv", mime="text/csv",
        icon=":material/download:",
    )  # fmt: skip
    st.caption(tr("reporting.laggards_count", n=laggard_table(status, language).shape[0]))
