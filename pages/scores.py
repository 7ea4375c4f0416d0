"""Page: 诚信积分 / Integrity points — grade distribution, the red list, the green channel, the
serious-record figure and the authorities' black list, fairness flags, and a what-if of changed
rules (previewed, never stored).

Reads the stored run of `python -m scoring points` (the latest as of the chosen date or earlier);
every count is of the persons of a county or the city, so none singles anybody out and none is
masked (data_access.queries.small_cells).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from services import scores
from services.scores import load_policy
from ui.access import require_page
from ui.formatting import format_percent
from ui.grid import show_table
from ui.i18n import N_
from ui.session import coded, current_scope, database_url, filters, lang, tr
from ui.tables import catalogue_names, unit_names

require_page("scores")
url, scope, chosen = database_url(), current_scope(), filters()
as_of = chosen["as_of"]

st.title(tr("page.scores"))
st.info(tr("sc.banner"), icon=":material/volunteer_activism:")

run = scores.latest_run(url, scope, as_of)
if run is None:
    st.warning(tr("sc.no_run", as_of=as_of))
    st.stop()
st.caption(
    tr("sc.run", version=run["policy_version"], as_of=run["as_of"], computed_at=run["computed_at"])
)
legacy = scores.is_legacy_run(url, scope, run["run_id"])
if legacy:  # computed before the lawful lists: labelled, never passed off as the law's lists
    st.warning(tr("sc.legacy_run", version=run["policy_version"]), icon=":material/history:")
grades = load_policy().grade_names
frame = scores.distribution(url, scope, run["run_id"], tuple(chosen["counties"]))
names = unit_names(lang())


# column (or fairness dimension) -> its header; grade columns keep their names
COLUMN_TEXT = {
    "county_code": N_("sc.col.county_code"),
    "gender": N_("sc.col.gender"),
    "age_band": N_("sc.col.age_band"),
    "persons": N_("sc.col.persons"),
    "red_list": N_("sc.col.red_list"),
    "green_channel": N_("sc.col.green_channel"),
    "serious_record": N_("sc.col.serious_record"),
    "black_list": N_("sc.col.black_list"),
    "pending_objection": N_("sc.col.pending_objection"),
    "dimension": N_("sc.col.dimension"),
    "group": N_("sc.col.group"),
    "low_share": N_("sc.col.low_share"),
    "black_rate": N_("sc.col.black_rate"),
    "from": N_("sc.col.from"),
    "to": N_("sc.col.to"),
    "red_in": N_("sc.col.red_in"),
    "red_out": N_("sc.col.red_out"),
}
# list -> its figure's label and help
LIST_TEXT = {
    "red_list": N_("sc.red_list"),
    "green_channel": N_("sc.green_channel"),
    "serious_record": N_("sc.serious_record"),
    "black_list": N_("sc.black_list"),
}
LIST_HELP = {
    "red_list": N_("sc.help.red_list"),
    "green_channel": N_("sc.help.green_channel"),
    "serious_record": N_("sc.help.serious_record"),
    "black_list": N_("sc.help.black_list"),
}
# severity -> the label of its deduction in the what-if
DEDUCTION_TEXT = {
    "minor": N_("sc.wi.neg.minor"),
    "general": N_("sc.wi.neg.general"),
    "serious": N_("sc.wi.neg.serious"),
}


def count_text(n: int) -> str:
    """A person count as shown, with thousands separators."""
    return f"{n:,}"


def header(column: str) -> str:
    return column if column in grades else tr(COLUMN_TEXT[column])


def shown(table: pd.DataFrame, columns: list[str], counts: list[str]) -> pd.DataFrame:
    """The columns in order, person counts as text, headers translated (grades stay as they are)."""
    out = table[columns].copy()
    for column in counts:
        out[column] = out[column].map(lambda n: count_text(int(n)))
    return out.rename(columns={c: header(c) for c in columns})


LISTS = ["red_list", "black_list"] if legacy else list(scores.LISTS)
metrics = st.columns(2 + len(LISTS))
metrics[0].metric(tr("sc.scored"), f"{int(frame['persons'].sum()):,}")
for place, column in zip(metrics[1:], LISTS, strict=False):
    label = tr("sc.legacy_black") if legacy and column == "black_list" else tr(LIST_TEXT[column])
    place.metric(label, count_text(int(frame[column].sum())), help=tr(LIST_HELP[column]))
metrics[-1].metric(tr("sc.pending"), count_text(int(frame["pending_objection"].sum())))

st.subheader(tr("sc.grades_city"))
city = frame.groupby("grade")["persons"].sum().reindex(list(grades), fill_value=0)
st.bar_chart(city.rename(tr("sc.col.persons")))

st.subheader(tr("sc.by_county"))
county = scores.by_group(frame, "county_code", grades)
county["county_code"] = county["county_code"].map(lambda c: names.get(c, c))
counts = [*grades, *LISTS, "pending_objection"]
show_table(shown(county, ["county_code", *counts], counts), hide_index=True)

st.subheader(tr("sc.by_age_gender"))
frame["age_gender"] = frame["age_band"] + " · " + frame["gender"]
ages = scores.by_group(frame, "age_gender", grades).rename(columns={"age_gender": "age_band"})
counts = [*grades, *LISTS]
show_table(shown(ages, ["age_band", *counts], counts), hide_index=True)

st.subheader(tr("sc.fairness"))
st.caption(tr("sc.fairness_help", ratio=scores.FLAG_RATIO, n=scores.FLAG_MIN_PERSONS))
flags = scores.fairness_flags(frame.drop(columns="age_gender"))
flagged = flags[flags["flag"]].copy()
if flagged.empty:
    st.success(tr("sc.no_flags"))
else:
    flagged["dimension"] = flagged["dimension"].map(lambda d: tr(COLUMN_TEXT[d]))
    flagged["group"] = flagged["group"].map(lambda g: names.get(g, g))
    flagged["low_share"] = flagged["low_share"].map(lambda x: format_percent(x, lang()))
    flagged["black_rate"] = flagged["black_rate"].map(lambda x: format_percent(x, lang()))
    columns = ["dimension", "group", "persons", "low_share", "black_rate"]
    show_table(shown(flagged, columns, ["persons"]), hide_index=True)

# --------------------------------------------------------------------------- what-if


def edited_policy(base):
    """The policy with the values of the what-if form (widgets keyed wi.*)."""
    state = st.session_state
    grades = tuple(
        (name, None if minimum is None else int(state.get(f"wi.grade.{name}", minimum)))
        for name, minimum in base.grades
    )
    negative = tuple(
        (sev, int(state.get(f"wi.neg.{sev}", pts))) for sev, pts in base.negative_points
    )
    positive = []
    for code, rule in base.positive:
        cap = rule.cap_per_year
        if cap is not None:
            cap = int(state.get(f"wi.cap.{code}", cap))
        positive.append((code, dataclasses.replace(rule, cap_per_year=cap)))
    return dataclasses.replace(
        base,
        version=tr("sc.wi.version_draft"),
        grades=grades,
        negative_points=negative,
        positive=tuple(positive),
        text="",
    )


st.subheader(tr("sc.wi.title"))
st.caption(tr("sc.wi.help"))
base = scores.policy_in_force(url)
st.caption(tr("sc.save.in_force", version=base.version))
with st.form("what_if"):
    cols = st.columns(len(base.grades) - 1)
    for col, (name, minimum) in zip(cols, base.grades[:-1], strict=True):
        col.number_input(tr("sc.wi.grade_min", grade=name), value=minimum, step=5,
                         key=f"wi.grade.{name}")  # fmt: skip
    cols = st.columns(3)
    for col, (sev, pts) in zip(cols, base.negative_points, strict=True):
        col.number_input(tr(DEDUCTION_TEXT[sev]), value=pts, max_value=0, step=5,
                         key=f"wi.neg.{sev}")  # fmt: skip
    capped = [(c, r) for c, r in base.positive if r.cap_per_year is not None]
    cols = st.columns(len(capped))
    for col, (code, rule) in zip(cols, capped, strict=True):
        col.number_input(tr("sc.wi.cap", category=code), value=rule.cap_per_year, min_value=0,
                         step=5, key=f"wi.cap.{code}")  # fmt: skip
    previewed = st.form_submit_button(tr("sc.wi.preview"), key="wi.preview")

if previewed:
    from services.scores import PolicyError, parse_policy, policy_to_toml

    try:
        draft = parse_policy(policy_to_toml(edited_policy(base)))
    except PolicyError as exc:
        st.warning(str(exc))
        st.stop()
    with st.spinner(tr("sc.wi.running")):
        new, movers = scores.what_if(
            url, scope, run["run_id"], draft.text, run["as_of"], tuple(chosen["counties"])
        )
    compare = pd.DataFrame(
        {
            tr("sc.wi.current"): city,
            tr("sc.wi.new"): new.groupby("grade")["persons"]
            .sum()
            .reindex(list(grades), fill_value=0),
        }
    )
    st.bar_chart(compare, stack=False)
    changes = st.columns(2)  # counts only, no deltas: a difference could single out a person
    changes[0].metric(tr("sc.red_list"), count_text(int(new["red_list"].sum())))
    moved = movers[movers["grade"] != movers["grade_new"]]
    changes[1].metric(tr("sc.wi.movers"), count_text(int(moved["persons"].sum())))
    st.caption(tr("sc.wi.lists_fixed"))
    st.markdown("**" + tr("sc.wi.movers_table") + "**")
    table = moved.rename(columns={"grade": "from", "grade_new": "to"})
    counts = ["persons", "red_in", "red_out"]
    show_table(shown(table, ["from", "to", *counts], counts), hide_index=True)
    if scope.may_read("points_policy"):
        st.download_button(
            tr("sc.wi.download"),
            data=draft.text.encode("utf-8"),
            file_name="policy.toml",
            mime="application/toml",
            key="wi.download",
        )
    else:
        st.caption(tr("sc.wi.admin_only"))

if scope.may_read("points_policy"):
    from services.scores import PolicyError

    with st.form("save_policy"):
        st.markdown("**" + tr("sc.save.title") + "**")
        new_version = st.text_input(tr("sc.save.version"), key="save.version")
        note = st.text_input(tr("sc.save.note"), key="save.note")
        saved = st.form_submit_button(tr("sc.save.button"))
    if saved:
        try:
            stored = scores.save_policy(
                url, scope, st.session_state["user"]["username"], edited_policy(base),
                new_version, note,
            )  # fmt: skip
        except PolicyError as exc:
            st.error(str(exc))
        else:
            st.success(tr("sc.save.done", version=stored.version))

if scope.may_read("points_ledgers"):
    from services.scores import AuditRefused, mask_id_number
    from ui.lists import show_ledger

    st.subheader(tr("sc.ledger.title"))
    st.caption(tr("sc.ledger.help"))
    purposes = catalogue_names("purposes", lang())
    with st.form("ledger"):
        subject = st.text_input(tr("sc.ledger.id"), key="ledger.id", max_chars=18)
        purpose = st.selectbox(
            tr("sc.ledger.purpose"),
            list(purposes),
            format_func=purposes.get,
            key=coded("ledger.purpose"),
        )
        reference = st.text_input(tr("sc.ledger.ref"), key="ledger.ref", max_chars=64)
        opened = st.form_submit_button(tr("sc.ledger.open"))
    if opened:
        try:
            frame, query_id = scores.person_ledger_view(
                url, scope, st.session_state["user"], subject, purpose, reference, as_of
            )
        except AuditRefused as exc:
            st.error(str(exc))
        else:
            st.caption(tr("sc.ledger.logged", query_id=query_id))
            if frame is None:
                st.warning(tr("sc.ledger.unknown", id=mask_id_number(subject.strip().upper())))
            else:
                st.markdown(f"**{mask_id_number(subject.strip().upper())}**")
                show_ledger(frame.to_pandas())
