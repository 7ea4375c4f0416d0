"""Page: 总览 / Overview — the leading-group office's headline figures, each linked to its page."""

from __future__ import annotations

import streamlit as st

from services import jobs, overview, supervision
from ui.access import require_page
from ui.formatting import format_datetime, format_number, format_percent, format_points
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
from ui.supervision import summary_table
from ui.tables import unit_names

require_page("overview")
url, scope, chosen = database_url(), current_scope(), filters()
as_of = chosen["as_of"]

st.title(tr("page.overview"))
st.caption(tr("overview.caption", as_of=as_of, year=as_of.year))


def tile(column, label: str, value, delta=None, definition: str = "", page: str = "",
         delta_color: str = "normal") -> None:  # fmt: skip
    """One headline figure; None shows as not available, never as an invented number."""
    with column.container(border=True):
        if value is None:
            st.metric(label, tr("overview.not_available"), help=tr("overview.not_available_help"))
        else:
            st.metric(label, value, delta=delta, help=definition, delta_color=delta_color)
        if page:
            st.page_link(page, label=tr("overview.go"), icon=":material/arrow_forward:")


deliveries = overview.deliveries_year_to_date(url, scope, as_of)
reports = overview.annual_reports_this_year(url, scope, as_of)
alerts = overview.open_alerts(url, scope)

row1 = st.columns(4)
tile(row1[0], tr("overview.residents"), f"{overview.residents(url, scope, chosen['counties']):,}",
     definition=tr("def.residents"))  # fmt: skip
coverage = overview.roster_coverage(url, scope, as_of, chosen["counties"])
tile(
    row1[1], tr("overview.roster_coverage"),
    None if coverage["now"] is None else format_percent(coverage["now"], lang()),
    delta=None if coverage["now"] is None or coverage["last_year"] is None
    else tr("overview.change_vs_last_year",
            change=format_points(coverage["now"] - coverage["last_year"], lang())),
    definition=tr("def.roster_coverage"), page="pages/coverage.py",
)  # fmt: skip
rate_now, rate_before = deliveries["on_time_rate_now"], deliveries["on_time_rate_last_year"]
tile(
    row1[2], tr("overview.on_time_ytd"),
    None if rate_now is None else format_percent(rate_now, lang()),
    delta=None if rate_before is None or rate_now is None
    else tr("overview.change_vs_last_year", change=format_points(rate_now - rate_before, lang())),
    definition=tr("def.on_time_ytd"), page="pages/reporting.py",
)  # fmt: skip
out_now, out_before = deliveries["outstanding_now"], deliveries["outstanding_last_year"]
tile(
    row1[3], tr("overview.outstanding"), out_now,
    delta=None if out_before is None or out_now is None
    else tr("overview.change_vs_last_year",
            change=format_number(out_now - out_before, lang(), sign=True)),
    delta_color="inverse", definition=tr("def.outstanding"), page="pages/reporting.py",
)  # fmt: skip

row2 = st.columns(4)
tile(
    row2[0], tr("overview.annual_filed"), f"{reports['filed']} / {reports['due']}",
    delta=tr("overview.change_vs_last_year",
             change=format_number(reports["filed"] - reports["filed_last_year"], lang(), sign=True)),
    definition=tr("def.annual_filed"), page="pages/reporting.py",
)  # fmt: skip
counted = overview.red_list_and_green_channel(url, scope, as_of, chosen["counties"])
lists = None if counted is None else f"{counted[0]:,} / {counted[1]:,}"
tile(row2[1], tr("overview.lists"), lists, definition=tr("def.lists"), page="pages/scores.py")
tile(row2[2], tr("overview.alerts"), alerts, definition=tr("def.open_alerts"))
overdue = overview.overdue_cases(url, scope, as_of, chosen["counties"])
tile(
    row2[3], tr("overview.overdue_cases"), overdue["now"],
    delta=tr("overview.change_vs_last_year",
             change=format_number(overdue["now"] - overdue["last_year"], lang(), sign=True)),
    delta_color="inverse", definition=tr("def.overdue_cases"), page="pages/repair.py",
)  # fmt: skip

# supervision items (督办): live counts, today's date deciding what is overdue
supervised = supervision.totals(url, scope, today())
row3 = st.columns(4)
tile(row3[0], tr("overview.sv_open"), supervised["open"], definition=tr("sv.def.open"),
     page="pages/supervision.py")  # fmt: skip
tile(row3[1], tr("overview.sv_answered"), supervised["answered"],
     definition=tr("sv.def.answered"), page="pages/supervision.py")  # fmt: skip
tile(row3[2], tr("overview.sv_overdue"), supervised["overdue"], definition=tr("sv.def.overdue"),
     page="pages/supervision.py")  # fmt: skip
tile(row3[3], tr("overview.sv_closed"), supervised["closed"], definition=tr("sv.def.closed"),
     page="pages/supervision.py")  # fmt: skip
per_unit = supervision.per_unit(url, scope, today())
if not per_unit.empty:
    with st.expander(tr("overview.sv_per_unit", n=len(per_unit))):
        show_table(summary_table(per_unit, lang()))

st.markdown(
    "**" + trn("reporting.days_left.one", "reporting.days_left.other", reports["days_left"]) + "**"
)
names = unit_names(lang())
with st.expander(tr("overview.units_missing", n=len(reports["missing_units"])), expanded=True):
    st.write("、".join(names.get(c, c) for c in reports["missing_units"]) or tr("reporting.none"))

# ----------------------------------------------------------------------------- scheduled jobs

JOB_TEXT = {
    "rollups": N_("job.rollups"),
    "points": N_("job.points"),
    "anomalies": N_("job.anomalies"),
    "display_check": N_("job.display_check"),
    "digest": N_("job.digest"),
}
# health -> (text, Material icon, colour): the state is said in words and shape, not colour alone
STATE_LOOK = {
    "ok": (N_("job.state.ok"), "check_circle", "green"),
    "failed": (N_("job.state.failed"), "cancel", "red"),
    "stale": (N_("job.state.stale"), "schedule", "red"),
    "running": (N_("job.state.running"), "pending", "blue"),
    "never": (N_("job.state.never"), "radio_button_unchecked", "gray"),
}

st.subheader(tr("overview.jobs"), help=tr("overview.jobs.help", hours=jobs.STALE_HOURS))
job_rows = jobs.job_health(url, scope).to_dict("records")
for column, row in zip(st.columns(len(job_rows)), job_rows, strict=True):
    text, icon, colour = STATE_LOOK[row["health"]]
    with column.container(border=True):
        st.markdown(f"**{tr(JOB_TEXT[row['job']])}**")
        st.markdown(f":{colour}[:material/{icon}: {tr(text)}]")
        if row["health"] == "never":
            st.caption(tr("overview.jobs.never"))
        else:
            at = format_datetime(row["started_at"], lang())
            st.caption(
                tr("overview.jobs.last_run", at=at)
                if row["rows"] is None or row["rows"] != row["rows"]
                else trn(
                    "overview.jobs.last_run_rows.one",
                    "overview.jobs.last_run_rows.other",
                    int(row["rows"]),
                    at=at,
                    rows=format_number(int(row["rows"]), lang()),
                )
            )
            if row["health"] in ("failed", "stale") and row["message"]:
                st.caption(tr("overview.jobs.message", message=row["message"]))

if scope.may_read("operations"):
    with st.expander(tr("overview.jobs.run_title"), icon=":material/play_circle:"):
        job_names = {j: tr(JOB_TEXT[j]) for j in jobs.JOB_NAMES}
        chosen_job = st.selectbox(tr("overview.jobs.choose"), list(job_names),
                                  format_func=job_names.get, key=coded("jobs_choose"))  # fmt: skip
        if st.button(tr("overview.jobs.start"), icon=":material/play_arrow:", key="jobs_start"):
            name = tr(JOB_TEXT[chosen_job])
            steps = [0]
            with st.status(tr("overview.jobs.starting", job=name), expanded=False) as box:

                def progress(_message: str) -> None:
                    steps[0] += 1
                    box.update(label=tr("overview.jobs.running", job=name, step=steps[0]))

                outcome = jobs.run_job(url, scope, chosen_job, current_user()["username"], progress)
                if outcome.status == "ok":
                    box.update(label=tr("overview.jobs.done", job=name,
                                        seconds=format_number(round(outcome.seconds, 1), lang())),
                               state="complete")  # fmt: skip
                else:
                    box.update(label=tr("overview.jobs.failed", job=name), state="error")
                    st.write(outcome.message)
