"""Page: 网点与账户 / Query points & accounts — the month's service points, terminals and accounts
to review (opinion 二.二.2), ranked by a transparent rule, and the monthly user-risk review."""

from __future__ import annotations

from functools import partial

import streamlit as st

from services import query_points as qps
from ui import review_report as rr
from ui.access import require_page
from ui.grid import STATUS_COLOURS, show_table
from ui.i18n import N_
from ui.markdown import escape_markdown
from ui.session import coded, current_scope, database_url, filters, lang, tr

require_page("query_points")
url, scope, language = database_url(), current_scope(), lang()

st.title(tr("page.query_points"))
st.caption(tr("qp.caption"))

span = qps.log_months(url, scope)
if span is None:
    st.info(tr("qp.no_log"))
    st.stop()
first, last = span
months = []
month = last
while month >= first:
    months.append(month)
    month = qps.add_months(month, -1)
as_of = filters()["as_of"]
counties = tuple(filters()["counties"])
default = qps.default_month(url, scope, as_of)
month = st.selectbox(
    tr("qp.pick_month"), months, index=months.index(default) if default in months else 0,
    format_func=lambda m: rr.month_text(m, language), key=coded("qp_month"),
)  # fmt: skip
if month >= qps.month_start(as_of):
    st.caption(tr("qp.month_not_complete"))
review = qps.review(url, scope, month, counties)
if counties:
    st.caption(tr("qp.counties_shown", counties=rr.counties_text(review, language)))
totals = review.totals

TILES = (
    ("lookups", N_("qp.tile.lookups")),
    ("persons", N_("qp.tile.persons")),
    ("operators", N_("qp.tile.operators")),
    ("points", N_("qp.tile.points")),
    ("terminals", N_("qp.tile.terminals")),
    ("unauthorised_share", N_("qp.tile.unauthorised_share")),
    ("high_points", N_("qp.tile.high_points")),
    ("shared_terminals", N_("qp.tile.shared_terminals")),
    ("multi_terminal_operators", N_("qp.tile.multi_terminal_operators")),
    ("dormant_operators", N_("qp.tile.dormant_operators")),
)
for row in (TILES[:5], TILES[5:]):
    for column, (key, label) in zip(st.columns(len(row)), row, strict=True):
        column.metric(tr(label), rr.total_text(review, key, language))
st.caption(tr("qp.tiles_note", previous=rr.total_text(review, "previous_lookups", language),
              months=totals["comparison_months"],
              no_terminal=rr.total_text(review, "no_terminal", language),
              alerted=rr.total_text(review, "alerted_operators", language)))  # fmt: skip

with st.expander(tr("qp.definitions"), icon=":material/menu_book:"):
    for text in rr.definitions(language):
        st.markdown(f"- {escape_markdown(text)}")

st.download_button(
    tr("qp.download"), partial(rr.review_workbook, review, language),  # built when pressed
    file_name=f"user_risk_review_{month:%Y-%m}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)  # fmt: skip

level_colours = {
    tr("qp.col.level"): {
        tr(rr.LEVEL_TEXT[k]): STATUS_COLOURS[c] for k, c in rr.LEVEL_COLOURS.items()
    }
}
wide = {
    tr("qp.col.reasons"): st.column_config.TextColumn(width="large"),
    tr("qp.col.unauthorised_share"): st.column_config.NumberColumn(format="percent"),
    tr("qp.col.previous_average"): st.column_config.NumberColumn(format="%.1f"),
}
tabs = st.tabs([tr("qp.tab.points"), tr("qp.tab.terminals"), tr("qp.tab.shared"),
                tr("qp.tab.multi"), tr("qp.tab.dormant"), tr("qp.tab.alerts")])  # fmt: skip
with tabs[0]:
    st.caption(tr("qp.points.help"))
    if review.points.empty:
        st.info(tr("qp.none_in_month"))
    else:
        show_table(rr.points_table(review, language), colours=level_colours, column_config=wide)
with tabs[1]:
    st.caption(tr("qp.terminals.help"))
    if review.terminals.empty:
        st.info(tr("qp.no_terminals"))
    else:
        show_table(rr.terminals_table(review, language), colours=level_colours,
                   column_config=wide)  # fmt: skip
with tabs[2]:
    st.caption(tr("qp.shared.help"))
    if review.shared.empty:
        st.info(tr("qp.no_shared"))
    else:
        show_table(rr.shared_table(review, language))
with tabs[3]:
    st.caption(tr("qp.multi.help", n=qps.MULTI_TERMINAL_MIN))
    if review.multi_terminal.empty:
        st.info(tr("qp.no_multi"))
    else:
        show_table(rr.multi_table(review, language))
with tabs[4]:
    st.caption(tr("qp.dormant.help", days=qps.DORMANT_DAYS, persons=qps.DORMANT_MIN_PERSONS))
    if not review.dormant_judged:
        st.info(tr("qp.dormant_not_judged", days=qps.DORMANT_DAYS))
    elif review.dormant.empty:
        st.info(tr("qp.no_dormant"))
    else:
        show_table(rr.dormant_table(review, language))
with tabs[5]:
    st.caption(tr("qp.alerts.help"))
    if review.open_alerts.empty:
        st.info(tr("qp.no_open_alerts"))
    else:
        show_table(
            rr.alerts_table(review, language),
            column_config={tr("qp.col.top_score"): st.column_config.NumberColumn(format="%.1f")},
        )
