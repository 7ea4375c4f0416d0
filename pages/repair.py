"""Page: 异议与信用修复 / Objections and repair — applications received, decided and pending,
handling times in working days against the legal limits, overdue lists by department, outcomes,
the trend, records whose display period ends in the next 30 days, and the standing display check.
"""

from __future__ import annotations

import datetime as dt
import functools
from functools import partial

import pandas as pd
import plotly.express as px
import streamlit as st

from services import repair, supervision
from services.repair import REASONS
from ui.access import require_page, scope_text
from ui.charts import numeric_dates, whole_counts
from ui.exports import to_csv, to_excel
from ui.formatting import format_date, format_datetime, format_percent
from ui.grid import show_table
from ui.i18n import N_
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
from ui.supervision import facts_text, open_form
from ui.tables import catalogue_names
from ui.vocabulary import APPLICATION_KIND_TEXT, OUTCOME_TEXT, SEVERITY_TEXT

require_page("repair")
url, scope, chosen = database_url(), current_scope(), filters()
as_of: dt.date = chosen["as_of"]
counties = tuple(chosen["counties"])
language = lang()
dept_names = catalogue_names("departments", language)
county_names = catalogue_names("counties", language)
category_names = catalogue_names("record_categories", language)
domain_names = catalogue_names("domains", language)
stamp = f"{as_of:%Y%m%d}"

st.title(tr("page.repair"))

# ----------------------------------------------------------------------------- period and notes

first = repair.first_received(url, scope, as_of, counties)
months = [dt.date(first.year, first.month, 1)]
while months[-1] < dt.date(as_of.year, as_of.month, 1):
    last = months[-1]
    months.append(dt.date(last.year + last.month // 12, last.month % 12 + 1, 1))
default_start = months[max(0, len(months) - 12)]  # the last 12 months
start, last_month = st.select_slider(
    tr("repair.period"),
    options=months,
    value=(default_start, months[-1]),
    format_func=lambda d: f"{d.year}-{d.month:02d}",
    key="rp_period",
)
month_end = dt.date(last_month.year + last_month.month // 12, last_month.month % 12 + 1, 1)
end = min(month_end - dt.timedelta(days=1), as_of)
county_text = "、".join(county_names.get(c, c) for c in counties) or tr("filters.whole_city")
st.caption(tr("repair.caption", start=start, end=end, as_of=as_of, counties=county_text,
              scope=scope_text()))  # fmt: skip

calendar = repair.calendar(url)
if calendar.source == "files":
    st.info(tr("repair.calendar_files"), icon=":material/event:")
missing_years = repair.uncounted_years(url, scope, as_of, counties, start, end)
if missing_years:
    st.warning(
        tr("repair.calendar_missing", years="、".join(str(y) for y in missing_years)),
        icon=":material/event_busy:",
    )

key = (url, scope, as_of, counties, start, end)
summary = repair.summary(*key)
overdue_list = repair.overdue_list(*key)
total = summary.set_index("kind").loc["all"]


def rate(value) -> str:
    return format_percent(value, language)  # "—" when there is none


k1, k2, k3, k4, k5, k6 = st.columns(6)
k1.metric(tr("repair.m.received"), f"{int(total['received']):,}", help=tr("repair.def.received"))
k2.metric(tr("repair.m.decided"), f"{int(total['decided']):,}", help=tr("repair.def.decided"))
k3.metric(tr("repair.m.pending"), f"{int(total['pending']):,}", help=tr("repair.def.pending"))
k4.metric(tr("repair.m.decision_rate"), rate(total["decision_on_time_rate"]),
          help=tr("repair.def.decision_rate"))  # fmt: skip
k5.metric(tr("repair.m.answer_rate"), rate(total["answer_on_time_rate"]),
          help=tr("repair.def.answer_rate"))  # fmt: skip
k6.metric(tr("repair.m.overdue"), f"{len(overdue_list):,}", help=tr("repair.def.overdue"))

# ----------------------------------------------------------------------------- display check

checked_at, checked_for, check = repair.display_check_result(url, scope, as_of, counties)
shows = check[check["kind"] == "shows"]
flagged = shows[shows["records"] > 0]
used = check[(check["kind"] == "uses") & (check["records"] > 0)]


# column -> its header
COLUMN_TEXT = {
    "kind": N_("repair.col.kind"),
    "received": N_("repair.col.received"),
    "decided": N_("repair.col.decided"),
    "pending": N_("repair.col.pending"),
    "not_received": N_("repair.col.not_received"),
    "decided_on_time": N_("repair.col.decided_on_time"),
    "decided_late": N_("repair.col.decided_late"),
    "decision_on_time_rate": N_("repair.col.decision_on_time_rate"),
    "mean_decision_days": N_("repair.col.mean_decision_days"),
    "answered": N_("repair.col.answered"),
    "answered_on_time": N_("repair.col.answered_on_time"),
    "answered_late": N_("repair.col.answered_late"),
    "answer_on_time_rate": N_("repair.col.answer_on_time_rate"),
    "pending_past_limit": N_("repair.col.pending_past_limit"),
    "answer_past_limit": N_("repair.col.answer_past_limit"),
    "handling_dept": N_("repair.col.handling_dept"),
    "overdue": N_("repair.col.overdue"),
    "application_id": N_("repair.col.application_id"),
    "subject": N_("repair.col.subject"),
    "name": N_("repair.col.name"),
    "received_at": N_("repair.col.received_at"),
    "decision_deadline": N_("repair.col.decision_deadline"),
    "decided_at": N_("repair.col.decided_at"),
    "decision_days": N_("repair.col.decision_days"),
    "answer_deadline": N_("repair.col.answer_deadline"),
    "answered_at": N_("repair.col.answered_at"),
    "answer_days": N_("repair.col.answer_days"),
    "elapsed_days": N_("repair.col.elapsed_days"),
    "state": N_("repair.col.state"),
    "reasons": N_("repair.col.reasons"),
    "outcome": N_("repair.col.outcome"),
    "applications": N_("repair.col.applications"),
    "month": N_("repair.col.month"),
    "record_id": N_("repair.col.record_id"),
    "category_code": N_("repair.col.category_code"),
    "severity": N_("repair.col.severity"),
    "domain_code": N_("repair.col.domain_code"),
    "source_dept": N_("repair.col.source_dept"),
    "decision_date": N_("repair.col.decision_date"),
    "display_until": N_("repair.col.display_until"),
    "days_left": N_("repair.col.days_left"),
    "status": N_("repair.col.status"),
    "consumer": N_("repair.col.consumer"),
    "check_kind": N_("repair.col.check_kind"),
    "records": N_("repair.col.records"),
    "expired": N_("repair.col.expired"),
    "repaired": N_("repair.col.repaired"),
    "revoked": N_("repair.col.revoked"),
    "no_display_period": N_("repair.col.no_display_period"),
    "other_status": N_("repair.col.other_status"),
    "sample_record_ids": N_("repair.col.sample_record_ids"),
}
# how a display_check consumer takes records
CHECK_KIND_TEXT = {
    "shows": N_("repair.check.kind.shows"),
    "uses": N_("repair.check.kind.uses"),
}
# kind of application (all: the total row)
KIND_TEXT = {**APPLICATION_KIND_TEXT, "all": N_("repair.kind.all")}
# why an application is overdue (repair.OVERDUE_REASONS)
REASON_TEXT = {
    "decided_late": N_("repair.reason.decided_late"),
    "answered_late": N_("repair.reason.answered_late"),
    "pending_past_limit": N_("repair.reason.pending_past_limit"),
    "answer_past_limit": N_("repair.reason.answer_past_limit"),
}
# record status
STATUS_TEXT = {
    "active": N_("repair.status.active"),
    "objection": N_("repair.status.objection"),
    "repaired": N_("repair.status.repaired"),
    "revoked": N_("repair.status.revoked"),
}
# handling time measured -> its chart's title
CHART_TEXT = {
    "decision": N_("repair.chart.decision"),
    "answer": N_("repair.chart.answer"),
}
# display_check consumer -> its label; a consumer not named here shows its own description
CONSUMER_TEXT = {
    "coverage.domain_records": N_("repair.consumer.coverage.domain_records"),
    "coverage.negative_rates": N_("repair.consumer.coverage.negative_rates"),
    "coverage.positive_rates": N_("repair.consumer.coverage.positive_rates"),
    "coverage.display_status": N_("repair.consumer.coverage.display_status"),
    "coverage.with_file": N_("repair.consumer.coverage.with_file"),
    "repair.expiring": N_("repair.consumer.repair.expiring"),
    "person_file": N_("repair.consumer.person_file"),
    "scoring.points": N_("repair.consumer.scoring.points"),
    "scoring.lists": N_("repair.consumer.scoring.lists"),
    "scores.ledger": N_("repair.consumer.scores.ledger"),
}


def consumer_label(name: str, where: str) -> str:
    return tr(CONSUMER_TEXT[name]) if name in CONSUMER_TEXT else where


def check_frame(frame: pd.DataFrame) -> pd.DataFrame:
    places = zip(frame["consumer"], frame["where"], strict=True)
    return pd.DataFrame({
        tr("repair.col.consumer"): [consumer_label(n, w) for n, w in places],
        tr("repair.col.check_kind"): frame["kind"].map(lambda k: tr(CHECK_KIND_TEXT[k])),
        **{tr(COLUMN_TEXT[c]): frame[c] for c in ("records", *REASONS)},
        tr("repair.col.sample_record_ids"): frame["sample_record_ids"],
    })  # fmt: skip


# ----------------------------------------------------------------------------- tables for display


def kind_label(kind: str) -> str:
    return tr(KIND_TEXT[kind])


def localised(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns in order, codes turned into names, headed in the language (each distinct
    code translated once: the overdue list of the city has thousands of rows)."""
    out = frame[columns].copy()
    names = {
        "kind": kind_label,
        "handling_dept": lambda c: dept_names.get(c, c),
        "source_dept": lambda c: dept_names.get(c, c),
        "state": lambda s: tr(OUTCOME_TEXT[s]),
        "outcome": lambda s: tr(OUTCOME_TEXT[s]),
        "reasons": lambda r: "；".join(tr(REASON_TEXT[x]) for x in r.split(",") if x),
        "category_code": lambda c: category_names.get(c, c),
        "domain_code": lambda c: domain_names.get(c, c or ""),
        "severity": lambda s: tr(SEVERITY_TEXT[s]) if s else None,
        "status": lambda s: tr(STATUS_TEXT[s]),
    }
    for column, name in names.items():
        if column in out:
            out[column] = out[column].map(functools.cache(name))
    return out.rename(columns={c: tr(COLUMN_TEXT[c]) for c in columns})


def csv_button(frame: pd.DataFrame, name: str) -> None:
    st.download_button(
        tr("repair.export.csv"), partial(to_csv, frame), file_name=f"repair_{name}_{stamp}.csv",
        mime="text/csv", icon=":material/download:", key=f"rp_csv_{name}",
    )  # fmt: skip


summary_columns = [
    "kind", "received", "decided", "pending", "not_received", "decided_on_time", "decided_late",
    "decision_on_time_rate", "mean_decision_days", "answered_on_time", "answered_late",
    "answer_on_time_rate", "pending_past_limit", "answer_past_limit",
]  # fmt: skip
summary_shown = localised(summary, summary_columns)
by_dept = repair.overdue_by_department(*key)
by_dept_shown = localised(by_dept, by_dept.columns.tolist())
overdue_shown = localised(overdue_list, repair.OVERDUE_LIST_COLUMNS)
outcome_frame = repair.outcomes(*key)
outcome_shown = localised(outcome_frame, ["kind", "outcome", "applications"])
trend = repair.monthly_trend(*key)
trend_shown = localised(trend, trend.columns.tolist())
expiring_count, expiring = repair.expiring(url, scope, as_of, counties)
expiring_shown = localised(expiring, repair.EXPIRING_COLUMNS)
percent = {
    tr(COLUMN_TEXT[c]): st.column_config.NumberColumn(tr(COLUMN_TEXT[c]), format="percent")
    for c in ("decision_on_time_rate", "answer_on_time_rate")
}
percent[tr("repair.col.mean_decision_days")] = st.column_config.NumberColumn(
    tr("repair.col.mean_decision_days"), format="%.1f"
)

tabs = st.tabs([
    tr("repair.tab.time"), tr("repair.tab.overdue"), tr("repair.tab.outcomes"),
    tr("repair.tab.trend"), tr("repair.tab.expiring"),
])  # fmt: skip

with tabs[0]:
    show_table(summary_shown, hide_index=True, width="stretch", column_config=percent)
    distribution = repair.time_distribution(*key)
    columns = st.columns(2)
    for column, measure in zip(columns, ("decision", "answer"), strict=True):
        part = distribution[distribution["measure"] == measure]
        if part.empty:
            column.caption(tr("repair.none_decided"))
            continue
        limit = int(part["limit"].max())
        figure = px.bar(
            part.assign(kind=part["kind"].map(kind_label)), x="days", y="applications",
            color="kind", barmode="group", title=tr(CHART_TEXT[measure]),
            labels={"days": tr("repair.chart.days"), "applications": tr("repair.chart.applications"),
                    "kind": ""},
        )  # fmt: skip
        figure.add_vline(x=limit + 0.5, line_dash="dash", line_color="red",
                         annotation_text=trn("repair.chart.limit.one", "repair.chart.limit.other", limit))  # fmt: skip
        column.plotly_chart(whole_counts(figure), width="stretch")
    for term in (N_("repair.def.working_days"), N_("repair.def.decision_days"),
                 N_("repair.def.answer_days"), N_("repair.def.decision_rate"),
                 N_("repair.def.answer_rate"), N_("repair.def.limits")):  # fmt: skip
        st.caption(tr(term))
    csv_button(summary_shown, "summary")

with tabs[1]:
    if overdue_list.empty:
        st.success(tr("repair.overdue.none"))
    else:
        st.markdown("**" + tr("repair.overdue.by_department") + "**")
        show_table(by_dept_shown, hide_index=True, width="stretch")
        st.markdown("**" + tr("repair.overdue.list") + "**")
        show_table(overdue_shown, hide_index=True, width="stretch")
        if scope.may_read("supervision_office"):
            # the office supervises an overdue application from here, its facts copied
            drafts = [supervision.repair_draft(r) for r in overdue_list.to_dict("records")]
            picks = {i: tr("sv.pick_repair_label", application=d.facts["application_id"],
                           dept=dept_names.get(d.unit_code, d.unit_code),
                           kind=kind_label(d.facts["kind"]))
                     for i, d in enumerate(drafts)}  # fmt: skip
            pick = st.selectbox(tr("sv.pick_repair"), list(picks), format_func=picks.get,
                                key=coded("rp_sv_pick"))  # fmt: skip
            draft = drafts[pick]
            open_form(
                "rp_sv", "repair", dept_names.get(draft.unit_code, draft.unit_code),
                facts_text("repair", draft.facts, as_of, language),
                supervision.open_refs(url, scope, "repair").get(draft.source_ref), today(),
                lambda deadline, action: supervision.open_item(
                    url, scope, (current_user() or {})["username"], draft, as_of, deadline,
                    action, today(),
                ),
            )  # fmt: skip
    st.caption(tr("repair.def.overdue"))
    st.caption(tr("repair.def.pending_past_limit"))
    csv_button(overdue_shown, "overdue")

with tabs[2]:
    if int(outcome_frame["applications"].sum()):
        figure = px.bar(
            outcome_frame.assign(kind=outcome_frame["kind"].map(kind_label),
                                 outcome=outcome_frame["outcome"].map(
                                     lambda s: tr(OUTCOME_TEXT[s]))),
            x="kind", y="applications", color="outcome", barmode="stack",
            title=tr("repair.chart.outcomes"),
            labels={"kind": "", "applications": tr("repair.chart.applications"), "outcome": ""},
        )  # fmt: skip
        st.plotly_chart(whole_counts(figure), width="stretch")
    show_table(outcome_shown, hide_index=True, width="stretch")
    st.caption(tr("repair.def.outcomes"))
    csv_button(outcome_shown, "outcomes")

with tabs[3]:
    counts = trend.melt(id_vars="month", value_vars=["received", "decided"], var_name="measure")
    counts["measure"] = counts["measure"].map(lambda c: tr(COLUMN_TEXT[c]))
    figure = px.bar(counts, x="month", y="value", color="measure", barmode="group",
                    title=tr("repair.chart.trend_counts"),
                    labels={"month": tr("repair.col.month"), "value": tr("repair.chart.applications"),
                            "measure": ""})  # fmt: skip
    st.plotly_chart(whole_counts(numeric_dates(figure)), width="stretch")
    rates = trend.melt(id_vars="month", value_vars=["decision_on_time_rate", "answer_on_time_rate"],
                       var_name="measure").dropna()  # fmt: skip
    if not rates.empty:
        rates["measure"] = rates["measure"].map(lambda c: tr(COLUMN_TEXT[c]))
        figure = px.line(rates, x="month", y="value", color="measure", markers=True,
                         title=tr("repair.chart.trend_rates"),
                         labels={"month": tr("repair.col.month"), "value": "", "measure": ""})  # fmt: skip
        figure.update_yaxes(tickformat=".0%", range=[0, 1.02])
        st.plotly_chart(numeric_dates(figure), width="stretch")
    show_table(trend_shown, hide_index=True, width="stretch", column_config=percent)
    st.caption(tr("repair.def.trend"))
    csv_button(trend_shown, "trend")

with tabs[4]:
    st.metric(tr("repair.m.expiring"), f"{expiring_count:,}", help=tr("repair.def.expiring"))
    if expiring_count > len(expiring):
        st.caption(tr("repair.expiring.capped", n=len(expiring), total=expiring_count))
    if expiring.empty:
        st.caption(tr("repair.expiring.none"))
    else:
        show_table(expiring_shown, hide_index=True, width="stretch")
    st.caption(tr("repair.def.expiring"))
    csv_button(expiring_shown, "expiring")


check_table = check_frame(check)


def display_check_panel() -> None:
    """The standing display check: for the office and administrators, and for everyone when it
    finds a record shown or counted that may not be (their data may be among them)."""
    with st.container(border=True):
        st.markdown("**" + tr("repair.check.title") + "**")
        if checked_at is not None and checked_for != as_of:
            st.warning(tr("repair.check.earlier", day=format_date(checked_for, language),
                          at=format_datetime(checked_at, language)),
                       icon=":material/history:")  # fmt: skip
        if flagged.empty:
            st.success(
                trn("repair.check.ok.one", "repair.check.ok.other", len(shows)),
                icon=":material/verified:",
            )
        else:
            st.error(tr("repair.check.fail", n=int(flagged["records"].sum()), places=len(flagged)),
                     icon=":material/report:")  # fmt: skip
            show_table(check_frame(flagged), hide_index=True, width="stretch")
        if not used.empty:
            st.warning(tr("repair.check.uses", n=int(used["records"].sum()), places=len(used)),
                       icon=":material/gavel:")  # fmt: skip
            show_table(check_frame(used), hide_index=True, width="stretch")
        with st.expander(trn("repair.check.all.one", "repair.check.all.other", len(check))):
            show_table(check_table, hide_index=True, width="stretch")
        st.caption(tr("repair.def.check"))
        if checked_at is None:
            st.caption(tr("repair.check.live"))
        elif checked_for == as_of:
            st.caption(tr("repair.check.stored", at=format_datetime(checked_at, language)))
        if scope.sees_all_departments and st.button(
            tr("repair.check.rerun"), icon=":material/refresh:", key="rp_check_rerun"
        ):
            with st.spinner(tr("repair.check.running")):
                repair.run_display_check(url, scope, as_of)
            st.rerun()


if scope.sees_all_departments or not flagged.empty:
    display_check_panel()

# ----------------------------------------------------------------------------- export and glossary

# built when the button is pressed (on its own thread: every text is translated here first)
workbook = partial(
    to_excel,
    {
        tr("repair.tab.time"): summary_shown,
        tr("repair.overdue.by_department"): by_dept_shown,
        tr("repair.overdue.list"): overdue_shown,
        tr("repair.tab.outcomes"): outcome_shown,
        tr("repair.tab.trend"): trend_shown,
        tr("repair.tab.expiring"): expiring_shown,
        tr("repair.check.title"): check_table,
    },
    tr("repair.export.title"),
    tr("repair.caption", start=start, end=end, as_of=as_of, counties=county_text,
                scope=scope_text()),
    {tr("repair.col.decision_on_time_rate"), tr("repair.col.answer_on_time_rate")},
)  # fmt: skip
st.download_button(
    tr("repair.export.excel"), workbook, file_name=f"repair_{start:%Y%m}-{end:%Y%m}_{stamp}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:", key="rp_excel",
)  # fmt: skip

with st.expander(tr("repair.glossary"), icon=":material/menu_book:"):
    for term in (N_("repair.def.received"), N_("repair.def.decided"), N_("repair.def.pending"),
                 N_("repair.def.working_days"), N_("repair.def.decision_days"),
                 N_("repair.def.answer_days"), N_("repair.def.decision_rate"),
                 N_("repair.def.answer_rate"), N_("repair.def.limits"), N_("repair.def.overdue"),
                 N_("repair.def.pending_past_limit"), N_("repair.def.outcomes"),
                 N_("repair.def.trend"), N_("repair.def.expiring"),
                 N_("repair.def.check")):  # fmt: skip
        st.markdown(f"- {tr(term)}")
