"""Page: 重点人群与重点领域覆盖 / Key professions and domains.

Credit-file coverage of the key professions (with the gap to the target), a profession x county
heat map with the worst gaps, and the records of the key domains with their display periods; in
the reader's scope, small cells suppressed, every table exportable.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from services import coverage, supervision
from services.coverage import (
    ADULT_STUDENT,
    DEFAULT_TARGET,
    DEFINITIONS,
    SUPPRESSED,
    county_table,
    domain_summary,
    month_labels,
    month_window_start,
    profession_table,
    totals,
    worst_gaps,
)
from ui import coverage_display as view
from ui.access import require_page, scope_text
from ui.exports import to_csv, to_excel
from ui.formatting import format_datetime, format_percent
from ui.grid import show_table
from ui.i18n import name_column
from ui.session import coded, current_scope, current_user, database_url, filters, lang, today, tr
from ui.supervision import facts_text, open_form
from ui.tables import catalogue_names

require_page("coverage")
st.title(tr("page.coverage"))

scope = current_scope()
dept = scope.department_code
scope_code = "all" if scope.sees_all_departments else str(dept)  # in export file names
language = lang()
url = database_url()
as_of = filters()["as_of"]
counties = tuple(filters()["counties"])
county_names = view.catalogue_names("counties", language)
county_text = tr("cov.list_separator").join(county_names.get(c, c) for c in counties) or tr(
    "cov.all_counties"
)
st.caption(tr("cov.caption", as_of=as_of.isoformat(), counties=county_text, scope=scope_text()))


def export_buttons(frame: pd.DataFrame, table: str, keys: list[str], key: str) -> None:
    """CSV and Excel of a table as displayed (small cells already suppressed)."""
    target_text = format_percent(
        st.session_state.get("coverage_target", DEFAULT_TARGET * 100) / 100, language
    )
    title = tr("cov.export_title", table=tr(view.SHEET_TEXT[table]), as_of=as_of.isoformat())
    subtitle = tr(
        "cov.export_subtitle", scope=scope_text(), counties=county_text, target=target_text
    )
    name = f"coverage_{table}_{scope_code}_{as_of.isoformat()}"
    workbook = partial(  # built when the button is clicked, not on every rerun
        to_excel,
        {tr(view.SHEET_TEXT[table]): frame},
        title,
        subtitle,
        view.percent_labels(keys, language),
    )
    left, right = st.columns(2)
    left.download_button(
        tr("cov.export_excel"),
        workbook,
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=f"xlsx_{key}",
    )
    right.download_button(
        tr("cov.export_csv"),
        partial(to_csv, frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"csv_{key}",
    )


CODE_KEYS = ("profession_code", "county_code", "domain_code", "category_code")
DEPARTMENT_KEYS = ("responsible_dept", "lead_dept")


# the general population's rates are one figure for every row: said once in the caption above
POPULATION_KEYS = ("population_negative_per_1000", "population_positive_per_1000")


def show_figures(frame: pd.DataFrame, keys: list[str]) -> None:
    """A figures table on screen: names, not codes (the exports keep the codes and every column);
    a department head's own department is not repeated on every row, nor the population's rates;
    the name column stays in view when the table scrolls sideways."""
    hidden = [*CODE_KEYS, *POPULATION_KEYS,
              *(DEPARTMENT_KEYS if not scope.sees_all_departments else ())]  # fmt: skip
    frame = frame.drop(columns=[view.label(k, language) for k in hidden], errors="ignore")
    helps = view.column_help(frame, keys, language)
    config: dict[str, object] = {
        column: st.column_config.Column(help=helps.get(column), alignment="right", width="small")
        for column in view.figure_labels(frame, keys, language)
    }
    config[frame.columns[0]] = st.column_config.Column(pinned=True)
    show_table(frame, hide_index=True, width="stretch", column_config=config)


def render_professions(professions: pd.DataFrame, counts: pd.DataFrame, target: float) -> None:
    population = coverage.population_counts(url, as_of, counties)
    table = profession_table(counts, professions, population, target)
    heads = view.total_figures(totals(table), language)
    for col, key in zip(
        st.columns(5), ("current", "with_file", "coverage", "updated_share", "gap"), strict=True
    ):
        col.metric(
            tr(view.METRIC_TEXT[key]),
            heads[key],
            help=tr(view.DEFINITION_TEXT[view.HELP[key]]),
        )
    st.caption(tr("cov.below_target", n=heads["below_target"], total=len(table)))
    rates = view.population_rate_texts(population)
    st.caption(
        tr(
            "cov.population_note",
            neg=rates["negative"],
            pos=rates["positive"],
            adults=rates["adults"],
        )
    )
    st.subheader(tr("cov.professions_title"))
    show_figures(view.profession_frame(table, population, language), view.PROFESSION_KEYS)
    if ADULT_STUDENT in set(professions["code"]):
        render_students(table)
    export_buttons(
        view.profession_frame(table, population, language, formatted=False),
        "professions",
        view.PROFESSION_KEYS,
        "professions",
    )


def render_students(table: pd.DataFrame) -> None:
    """The adult students' integrity files (opinion 二.五.5): coverage, and the academic-misconduct
    and student-loan records the students hold."""
    st.subheader(tr("cov.students_title"))
    row = table[table["profession_code"] == ADULT_STUDENT]
    records = coverage.student_records(url, scope, as_of, counties)
    names = catalogue_names("record_categories", language)
    cols = st.columns(2 + len(records))
    current = int(row["current"].sum()) if not row.empty else 0
    with_file = int(row["with_file"].sum()) if not row.empty else 0
    cols[0].metric(tr("cov.students_current"), f"{current:,}")
    small = coverage.is_small(current)  # figures about 1-4 students are hidden
    cols[1].metric(tr("cov.students_with_file"),
                   SUPPRESSED if small else format_percent(with_file / current, language)
                   if current else "—")  # fmt: skip
    for col, rec in zip(cols[2:], records.itertuples(index=False), strict=True):
        col.metric(names.get(rec.category_code, rec.category_code),
                   SUPPRESSED if small else f"{rec.records:,}",
                   help=None if small else tr("cov.students_records_help", students=rec.students))  # fmt: skip
    st.caption(tr("cov.students_note"))


def render_counties(professions: pd.DataFrame, counts: pd.DataFrame, target: float) -> None:
    cells = county_table(
        counts, professions, view.county_columns(counties, counts["county_code"]), target
    )
    if int(cells["current"].sum()) == 0:
        st.info(tr("cov.no_practitioners"))
        return
    st.plotly_chart(view.coverage_heatmap(cells, professions, target, language), width="stretch")
    st.subheader(tr("cov.worst_title"))
    gaps = worst_gaps(cells)
    if gaps.empty:
        st.success(tr("cov.no_gaps"))
    else:
        show_figures(view.gap_frame(gaps, professions, language), view.COUNTY_KEYS)
        export_buttons(
            view.gap_frame(gaps, professions, language, formatted=False),
            "gaps",
            view.COUNTY_KEYS,
            "gaps",
        )
        if scope.may_read("supervision_office"):
            supervise_gap(gaps, professions, target)
    with st.expander(tr("cov.all_cells")):
        show_figures(view.county_frame(cells, professions, language), view.COUNTY_KEYS)
        export_buttons(
            view.county_frame(cells, professions, language, formatted=False),
            "counties",
            view.COUNTY_KEYS,
            "counties",
        )


def supervise_gap(gaps: pd.DataFrame, professions: pd.DataFrame, target: float) -> None:
    """The office supervises a low-coverage cell from here, against the department answering for
    the profession, its facts copied."""
    responsible = dict(zip(professions["code"], professions["responsible_dept"], strict=True))
    profession_names = catalogue_names("professions", language)
    county_names = catalogue_names("counties", language)
    dept_names = catalogue_names("departments", language)
    drafts = [
        supervision.coverage_draft(r, responsible[r["profession_code"]], target)
        for r in gaps.to_dict("records")
    ]
    picks = {i: tr("sv.pick_coverage_label",
                   profession=profession_names.get(d.facts["profession_code"], "—"),
                   county=county_names.get(d.facts["county_code"], "—"),
                   dept=dept_names.get(d.unit_code, d.unit_code))
             for i, d in enumerate(drafts)}  # fmt: skip
    pick = st.selectbox(tr("sv.pick_coverage"), list(picks), format_func=picks.get,
                        key=coded("cov_sv_pick"))  # fmt: skip
    draft = drafts[pick]
    open_form(
        "cov_sv", "coverage", dept_names.get(draft.unit_code, draft.unit_code),
        facts_text("coverage", draft.facts, as_of, language),
        supervision.open_refs(url, scope, "coverage").get(draft.source_ref), today(),
        lambda deadline, action: supervision.open_item(
            url, scope, (current_user() or {})["username"], draft, as_of, deadline, action,
            today(),
        ),
    )  # fmt: skip


def render_domains(domains: pd.DataFrame) -> None:
    months = (
        st.segmented_control(
            tr("cov.window"),
            (12, 24, 36),
            default=12,
            format_func=lambda n: tr("cov.window_option", n=n),
            key="coverage_months",
        )
        or 12
    )
    records = coverage.domain_records(
        url, scope, as_of, month_window_start(as_of, months), counties
    )
    status = coverage.domain_display_status(url, scope, as_of, counties)
    summary = domain_summary(domains, records["polarity"], status)
    st.subheader(tr("cov.domains_title"))
    st.caption(tr("cov.visible_note"))
    show_figures(view.domain_frame(summary, language), view.DOMAIN_KEYS)
    export_buttons(
        view.domain_frame(summary, language, formatted=False),
        "domains",
        view.DOMAIN_KEYS,
        "domains",
    )
    every = {
        tr(view.SHEET_TEXT[by]): view.breakdown_frame(
            records[by], by, language, formatted=False, with_domain=True
        )
        for by in ("category", "department", "month")
    }
    title = tr("cov.export_title", table=tr("cov.sheet.every_domain"), as_of=as_of.isoformat())
    subtitle = tr("cov.export_subtitle_domains", scope=scope_text(), counties=county_text)
    st.download_button(
        tr("cov.export_every_domain"),
        partial(to_excel, every, title, subtitle),
        file_name=f"coverage_every_domain_{scope_code}_{as_of.isoformat()}_{months}m.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="xlsx_every_domain",
    )
    names = dict(zip(domains["code"], domains[name_column(language)], strict=True))
    # first shown: the domain with the most records in the window, not an empty chart
    per_domain = records["month"].groupby("domain_code")["records"].sum()
    busiest = per_domain.idxmax() if len(per_domain) and per_domain.max() > 0 else None
    order = list(names)
    domain = st.selectbox(
        tr("cov.domain_select"), order, format_func=names.get, key=coded("coverage_domain"),
        index=order.index(busiest) if busiest in order else 0,
    )  # fmt: skip
    by_month = records["month"][records["month"]["domain_code"] == domain]
    if not by_month.empty:
        chart = view.month_chart(by_month, month_labels(as_of, months), language)
        st.plotly_chart(chart, width="stretch")
    for by in ("category", "department", "month"):
        part = records[by][records[by]["domain_code"] == domain]
        st.markdown(f"**{tr(view.BREAKDOWN_TEXT[by])}**")
        if part.empty:
            st.caption(tr("cov.no_records"))
            continue
        show_figures(view.breakdown_frame(part, by, language), ["records"])
        export_buttons(
            view.breakdown_frame(part, by, language, formatted=False),
            by,
            ["records"],
            f"{by}_{domain}",
        )


professions = coverage.professions_in_scope(url, scope)
domains = coverage.domains_in_scope(url, scope)
if professions.empty and domains.empty:
    st.info(tr("cov.nothing"), icon=":material/block:")
else:
    sections = []
    if not professions.empty:
        target = (
            st.number_input(
                tr("cov.target"),
                min_value=50.0,
                max_value=100.0,
                value=DEFAULT_TARGET * 100,
                step=0.5,
                format="%.1f",
                help=tr("cov.def.target"),
                key="coverage_target",
            )
            / 100
        )
        counts = coverage.roster_counts(url, scope, as_of, counties)
        sections += [
            ("professions", lambda: render_professions(professions, counts, target)),
            ("counties", lambda: render_counties(professions, counts, target)),
        ]
    else:
        st.caption(tr("cov.no_professions"))
    if not domains.empty:
        sections.append(("domains", lambda: render_domains(domains)))
    else:
        st.caption(tr("cov.no_domains"))
    for tab, (_, render) in zip(
        st.tabs([tr(view.TAB_TEXT[key]) for key, _ in sections]), sections, strict=True
    ):
        with tab:
            render()
    with st.expander(tr("cov.glossary"), icon=":material/menu_book:"):
        for measure in DEFINITIONS:
            st.markdown(
                tr(
                    "cov.glossary_item",
                    term=tr(view.TERM_TEXT[measure]),
                    definition=tr(view.DEFINITION_TEXT[measure]),
                )
            )
        stamp = coverage.rollup_computed_at(url, as_of)
        st.caption(
            tr(
                "cov.rollup_source",
                computed_at=format_datetime(stamp, language),
                as_of=as_of.isoformat(),
            )
            if stamp is not None
            else tr("cov.live_source", as_of=as_of.isoformat())
        )
st.caption(tr("cov.footer", scope=scope_text()))
