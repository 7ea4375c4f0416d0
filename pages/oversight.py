"""Page: 查询行为监测 / Query oversight — the alert queue, evidence, reasons and triage."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import plotly.express as px
import streamlit as st

from services import cases
from services import oversight as ov
from services.oversight import ALERT_STATUSES
from ui.access import require_page
from ui.alert_reasons import headline, reasons
from ui.cases import case_action
from ui.charts import numeric_dates, whole_counts
from ui.exports import to_excel
from ui.formatting import format_datetime, format_number, format_percent
from ui.grid import show_table
from ui.i18n import N_
from ui.markdown import escape_markdown
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
)  # fmt: skip
from ui.tables import catalogue_names

require_page("oversight")
url, scope, language = database_url(), current_scope(), lang()
dept_names = catalogue_names("departments", language)
county_names = catalogue_names("counties", language)
purpose_names = catalogue_names("purposes", language)

STATUS_TEXT = {
    "open": N_("oversight.status.open"),
    "confirmed": N_("oversight.status.confirmed"),
    "dismissed": N_("oversight.status.dismissed"),
    "escalated": N_("oversight.status.escalated"),
}
ACTION_TEXT = {
    "confirm": N_("oversight.action.confirm"),
    "dismiss": N_("oversight.action.dismiss"),
    "escalate": N_("oversight.action.escalate"),
}
# columns of an alert's triage history (oversight.events)
HISTORY_TEXT = {
    "at": N_("oversight.col.at"),
    "username": N_("oversight.col.username"),
    "action": N_("oversight.col.action"),
    "note": N_("oversight.col.note"),
}
status_labels = {s: tr(STATUS_TEXT[s]) for s in ALERT_STATUSES}
action_labels = {a: tr(ACTION_TEXT[a]) for a in ov.ACTIONS}
# "all departments" is a code of its own: a choice of None shows as no choice after a change of
# language (ui.session.keep_coded_choices)
ALL_DEPARTMENTS = ""
dept_labels = {ALL_DEPARTMENTS: tr("oversight.all_departments"), **dept_names}

st.title(tr("page.oversight"))
st.caption(tr("oversight.caption"))
run = ov.last_run(url, scope)
if run is None:
    st.warning(tr("oversight.never_ran"), icon=":material/schedule:")
else:
    age = run["age_days"]
    if age >= 2:
        st.warning(tr("oversight.stale_run", days=age, ran_at=format_datetime(run["ran_at"], language)),
                   icon=":material/schedule:")  # fmt: skip
    st.caption(tr("oversight.last_run", ran_at=format_datetime(run["ran_at"], language),
                  date_from=run["date_from"], date_to=run["date_to"],
                  lookups=format_number(run["lookups"], language), alerts=run["alerts"],
                  operators=run["operators_alerted"], version=run["detector_version"]))  # fmt: skip

with st.expander(tr("oversight.filters"), expanded=True):
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect(
        tr("oversight.status"), ALERT_STATUSES, default=["open", "escalated"],
        format_func=status_labels.get, key=coded("ov_status"),
    )  # fmt: skip
    min_score = c2.number_input(tr("oversight.min_score"), 0.0, 1000.0, 0.0, 1.0, key="ov_min")
    dept = c3.selectbox(
        tr("oversight.department"), [ALL_DEPARTMENTS, *sorted(dept_names)],
        format_func=dept_labels.get,
        key=coded("ov_dept"),
    )  # fmt: skip
    period = c4.date_input(tr("oversight.period"), value=(), key="ov_period")
    reason = st.text_input(tr("oversight.reason_filter"), key="ov_reason", max_chars=40)
start = period[0] if len(period) >= 1 else None
end = period[1] if len(period) == 2 else None

queue = ov.queue(url, scope, tuple(statuses), float(min_score), dept or None, start, end,
                 filters()["counties"], reason)  # fmt: skip
if queue.empty:
    st.info(tr("oversight.empty"))
    st.stop()

reasons_col = "reasons_zh" if language == "zh" else "reasons_en"


def _window(row) -> str:
    last = row["window_end"] - dt.timedelta(seconds=1)
    return f"{row['window_start']:%Y-%m-%d} – {last:%Y-%m-%d}"


# the queue fits a screen: one column for the operator, the strongest reason's headline; every
# reason in full is in the alert's detail below and in the export
shown = pd.DataFrame({
    tr("oversight.col.alert_id"): queue["alert_id"],
    tr("oversight.col.score"): queue["score"].round(1),
    tr("oversight.col.operator"): [f"{name}（{op}）" if language == "zh" else f"{name} ({op})"
                                   for name, op in zip(queue["operator_name"], queue["operator_id"],
                                                       strict=True)],
    tr("oversight.col.department"): queue["department_code"].map(lambda d: dept_names.get(d, d)),
    tr("oversight.col.window"): queue.apply(_window, axis=1),
    tr("oversight.col.status"): queue["status"].map(status_labels),
    tr("oversight.col.main_reason"): queue[reasons_col].map(lambda r: headline(r, language)),
})  # fmt: skip
st.subheader(tr("oversight.queue"))
st.caption(trn("oversight.count.one", "oversight.count.other", len(queue)))
show_table(
    shown, hide_index=True, width="stretch",
    column_config={tr("oversight.col.main_reason"): st.column_config.TextColumn(width="large")},
)  # fmt: skip

with st.expander(tr("oversight.trend"), icon=":material/trending_up:"):
    trend = ov.alert_trend(url, scope)
    if not trend.empty:
        trend["status"] = trend["status"].map(status_labels)
        chart = px.bar(trend, x="week", y="alerts", color="status",
                       labels={"week": tr("oversight.col.window"),
                               "alerts": tr("oversight.count_axis"),
                               "status": tr("oversight.col.status")})  # fmt: skip
        st.plotly_chart(whole_counts(numeric_dates(chart)), width="stretch")

labels = {
    int(r.alert_id): f"#{r.alert_id} · {r.operator_id} · {r.score:.1f}" for r in queue.itertuples()
}
alert_id = st.selectbox(
    tr("oversight.pick"), list(labels), format_func=labels.get, key=coded("ov_pick")
)
detail = ov.alert_detail(url, scope, alert_id)
if detail is None:
    st.stop()

st.subheader(tr("oversight.detail"))
m1, m2, m3, m4 = st.columns(4)
m1.metric(tr("oversight.col.score"), f"{detail['score']:.1f}")
m2.metric(tr("oversight.col.operator_id"), f"{detail['operator_id']} {detail['operator_name']}")
m3.metric(tr("oversight.col.window"), _window(detail))
m4.metric(tr("oversight.col.status"), status_labels[detail["status"]])
st.markdown("**" + tr("oversight.reasons") + "**")
for reason in reasons(detail[reasons_col], language):
    st.markdown(f"- {escape_markdown(reason)}")  # references in reasons come from imported logs

st.markdown("**" + tr("oversight.profile") + "**")
window_start = detail["window_start"].date()
profile = ov.operator_profile(url, scope, detail["operator_id"], window_start)
p1, p2, p3, p4 = st.columns(4)
p1.metric(
    tr("oversight.col.department"), dept_names.get(profile["operator"].get("department_code"), "—")
)
p2.metric(
    tr("oversight.profile.lookups"), f"{profile['lookups']:,}", help=tr("oversight.profile.help")
)
p3.metric(
    tr("oversight.profile.persons"), f"{profile['persons']:,}", help=tr("oversight.profile.help")
)
p4.metric(
    tr("oversight.profile.no_ref"),
    format_percent((profile["no_ref"] or 0) / profile["lookups"], language)
    if profile["lookups"]
    else "—",
    help=tr("oversight.profile.help"),
)
st.caption(tr(
    "oversight.profile.alerts",
    alerts="、".join(f"{status_labels.get(k, k)} {v}" for k, v in profile["alerts"].items()) or "—",
))  # fmt: skip
activity = ov.activity(
    url, scope, detail["operator_id"],
    window_start - dt.timedelta(days=49), detail["window_end"].date(),
)  # fmt: skip
long = activity.melt(id_vars="day", value_vars=["operator", "peers"], var_name="who")
long["who"] = long["who"].map(
    {"operator": tr("oversight.activity.operator"), "peers": tr("oversight.activity.peers")}
)
figure = px.line(long, x="day", y="value", color="who", title=tr("oversight.activity.title"),
                 labels={"day": "", "value": tr("oversight.count_axis"), "who": ""})  # fmt: skip
numeric_dates(whole_counts(figure))
figure.add_vrect(x0=window_start, x1=detail["window_end"].date(), fillcolor="red", opacity=0.08)
st.plotly_chart(figure, width="stretch")

st.markdown("**" + tr("oversight.evidence") + "**")
rows = ov.evidence(url, scope, alert_id)
if len(rows) >= ov.EVIDENCE_LIMIT:
    st.caption(tr("oversight.evidence_capped", n=ov.EVIDENCE_LIMIT))
show_table(
    pd.DataFrame({
        tr("oversight.col.queried_at"): rows["queried_at"],
        tr("oversight.col.subject"): rows["subject"],
        tr("oversight.col.name"): rows["name"],
        tr("oversight.col.county"): rows["county_code"].map(lambda c: county_names.get(c, c)),
        tr("oversight.col.sensitive"): rows["sensitive"],
        tr("oversight.col.purpose"): rows["purpose_code"].map(lambda p: purpose_names.get(p, p)),
        tr("oversight.col.authorization_ref"): rows["authorization_ref"],
        tr("oversight.col.channel"): rows["channel"],
        tr("oversight.col.unauthorised"): rows["unauthorised"],
        tr("oversight.col.borrowed"): rows["borrowed"],
    }),
    hide_index=True,
    width="stretch",
)  # fmt: skip

st.markdown("**" + tr("oversight.history") + "**")
history = ov.events(url, scope, alert_id)
if history.empty:
    st.caption(tr("oversight.no_history"))
else:
    history["action"] = history["action"].map(lambda a: action_labels.get(a, a))
    show_table(
        history.rename(columns={c: tr(HISTORY_TEXT[c]) for c in history.columns}),
        hide_index=True,
        width="stretch",
    )

# built when the button is pressed (the texts translated here first)
case_file = partial(
    to_excel,
    {
        tr("oversight.case.summary"): pd.DataFrame({
            tr("oversight.col.alert_id"): [alert_id], tr("oversight.col.score"): [round(detail["score"], 1)],
            tr("oversight.col.operator_id"): [detail["operator_id"]],
            tr("oversight.col.window"): [_window(detail)],
            tr("oversight.col.status"): [status_labels[detail["status"]]],
            tr("oversight.col.reasons"): [detail[reasons_col]],
        }),
        tr("oversight.case.evidence"): rows,
        tr("oversight.case.history"): history,
    },
    title=tr("oversight.case.title", alert_id=alert_id, operator=detail["operator_id"]),
    subtitle=_window(detail),
)  # fmt: skip
st.download_button(
    tr("oversight.case.download"), case_file, file_name=f"case_{alert_id}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)  # fmt: skip

with st.form("ov_triage", clear_on_submit=True):
    st.markdown("**" + tr("oversight.triage") + "**")
    action = st.radio(tr("oversight.action"), list(ov.ACTIONS), horizontal=True,
                      format_func=action_labels.get, key=coded("ov_action"))  # fmt: skip
    note = st.text_area(tr("oversight.note"), key="ov_note")
    if st.form_submit_button(tr("oversight.submit")):
        if not note.strip():
            st.warning(tr("oversight.note_required"))
        else:
            user = current_user() or {}
            status = ov.triage(url, scope, alert_id, user["username"], action, note)
            st.success(tr("oversight.saved", status=status_labels[status]))

username = (current_user() or {})["username"]
case_action(
    queue, alert_id, cases.active_case_of(url, scope, detail["operator_id"]),
    cases.cases_of_alerts(url, scope, tuple(int(a) for a in queue["alert_id"])),
    cases.assignees(url, scope), today(),
    lambda ids, assignee, deadline, summary: cases.open_case(
        url, scope, username, ids, assignee, deadline, summary, today()),
    lambda case_id, ids: cases.add_alerts(url, scope, username, case_id, ids),
)  # fmt: skip
