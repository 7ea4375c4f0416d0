"""Page: 数据报送 / Data submission — a department uploads a catalogue item's file, reviews the
row-by-row check, then accepts it as the period's delivery (services.submissions).

Nothing is written until "accept", which checks the file again and writes it whole or not at all.
After an accepted delivery the cached figures it changes are cleared (services.refresh),
so reporting progress, the overview, coverage and the repair page count it at once.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from services import submissions
from services.submissions import (
    MAX_UPLOAD_BYTES,
    DatabaseBusy,
    DeliveryReport,
    period_bounds,
    period_choices,
    template_csv,
)
from ui.access import require_page, scope_text
from ui.exports import to_csv
from ui.formatting import format_datetime, format_number
from ui.grid import show_table
from ui.i18n import name_column
from ui.session import coded, current_scope, current_user, database_url, lang, today, tr, trn
from ui.tables import unit_names
from ui.uploader import translated_uploader_style

REPORT_ROWS = 200  # problems shown on the page; the download has every one kept
LIMIT_MB = MAX_UPLOAD_BYTES // (1024 * 1024)

require_page("submissions")
url, scope, language = database_url(), current_scope(), lang()
day = today()
names = unit_names(language)

st.title(tr("page.submissions"))
st.caption(tr("im.caption", limit=LIMIT_MB))
st.caption(scope_text())


def _size(n: int) -> str:
    return f"{n / 1024:,.1f} KB" if n < 1024 * 1024 else f"{n / (1024 * 1024):,.1f} MB"


def _show_report(report: DeliveryReport) -> None:
    st.subheader(tr("im.report"))
    st.markdown(
        tr("im.summary", file=report.file, size=_size(report.size_bytes), read=report.rows_read,
           valid=report.rows_valid, problems=report.problem_count,
           seconds=format_number(report.seconds, language, digits=1))
    )  # fmt: skip
    if report.encoding not in (None, "UTF-8"):
        st.info(tr("im.read_as", encoding=report.encoding), icon=":material/translate:")
    if report.ok:
        st.success(tr("im.clean"), icon=":material/check_circle:")
        return
    st.error(tr("im.refused"), icon=":material/block:")
    st.caption(tr("im.reasons_note"))
    table = pd.DataFrame(
        [(p.line, p.column or "", p.reason) for p in report.problems],
        columns=[tr("im.col.line"), tr("im.col.column"), tr("im.col.reason")],
    ).astype({tr("im.col.line"): "Int64"})
    show_table(table.head(REPORT_ROWS), hide_index=True, width="stretch")
    if report.problem_count > REPORT_ROWS or len(report.problems) < report.problem_count:
        st.caption(tr("im.shown_first", n=min(REPORT_ROWS, len(table)), total=report.problem_count))
    st.download_button(
        tr("im.download_problems"), to_csv(table), file_name="problems.csv", mime="text/csv",
        icon=":material/download:", key="im_problems_download",
    )  # fmt: skip


# --- what is delivered: department, item, period
if scope.role == "admin":
    departments = sorted({i.dept_code for i in submissions.items(url, scope)})
    dept = st.selectbox(
        tr("im.department"),
        departments,
        format_func=lambda c: names.get(c, c),
        key=coded("im_dept"),
    )
else:
    dept = scope.department_code
items = {i.code: i for i in submissions.items(url, scope, dept)}
if not items:
    st.info(tr("im.no_items"))
    st.stop()
item_code = st.selectbox(
    tr("im.item"),
    list(items),
    format_func=lambda c: getattr(items[c], name_column(language)),
    key=coded(f"im_item_{dept}"),
)
item = items[item_code]
choices = period_choices(item.frequency, day)
period = st.selectbox(
    tr("im.period"),
    choices,
    index=choices.index(submissions.default_period(url, scope, item, day)),
    key=coded(f"im_period_{item.code}"),
)
st.caption(tr("im.due", due=period_bounds(item.frequency, period)[2]))
earlier = submissions.delivered_periods(url, scope, item).get(period)
if earlier is not None:
    st.info(tr("im.already", period=period, at=format_datetime(earlier, language)))

with st.expander(tr("im.format"), icon=":material/description:"):
    columns = ", ".join(f"`{c}`" for c in submissions.columns_of(item.import_kind))
    st.markdown(tr("im.format_kind", kind=item.import_kind, columns=columns))
    fixed = item.fixed_values()
    if fixed:
        st.markdown(tr("im.format_fixed", values=", ".join(f"`{k}` = `{v}`"
                                                           for k, v in fixed.items())))  # fmt: skip
        st.caption(tr("im.format_dates"))
    st.download_button(
        tr("im.template"), template_csv(item), file_name=f"{item.code}_template.csv",
        mime="text/csv", icon=":material/download:", key="im_template",
    )  # fmt: skip

# --- the upload, its check, and the acceptance
done = st.session_state.pop("im_done", None)
if done is not None:
    kind, message = done
    (st.success if kind == "ok" else st.error)(message)

generation = st.session_state.setdefault("im_generation", 0)
translated_uploader_style(language, LIMIT_MB, "CSV、XLSX" if language == "zh" else "CSV, XLSX")
upload = st.file_uploader(
    tr("im.file"), type=["csv", "xlsx"], help=tr("im.file_help", limit=LIMIT_MB),
    key=f"im_file_{generation}", max_upload_size=LIMIT_MB,
)  # fmt: skip
nil_return = st.checkbox(tr("im.nil_return"), help=tr("im.nil_help"), key=f"im_nil_{generation}")

if upload is None:
    st.session_state.pop("im_checked", None)
else:
    content = upload.getvalue()
    fingerprint = (item.code, period, nil_return, upload.name,
                   hashlib.sha256(content).hexdigest())  # fmt: skip
    if st.button(tr("im.validate"), type="primary", icon=":material/rule:", key="im_validate"):
        with st.spinner(tr("im.validating")):
            try:
                checked = submissions.validate(url, scope, item.code, period, upload.name,
                                               content, today=day, nil_return=nil_return)  # fmt: skip
            except (PermissionError, LookupError):
                st.error(tr("im.scope_refused"))
                st.stop()
            except DatabaseBusy:
                st.error(tr("im.busy"), icon=":material/hourglass_top:")
                st.stop()
        st.session_state["im_checked"] = (fingerprint, checked)
    stored = st.session_state.get("im_checked")
    report = stored[1] if stored is not None and stored[0] == fingerprint else None
    if report is not None:
        _show_report(report)
    accept = st.button(
        tr("im.accept"), icon=":material/cloud_upload:", key="im_accept",
        disabled=report is None or not report.ok, help=tr("im.accept_help"),
    )  # fmt: skip
    if accept and report is not None and report.ok:
        with st.spinner(tr("im.accepting")):
            try:
                delivery = submissions.accept(url, scope, item.code, period, upload.name, content,
                                              nil_return=nil_return,
                                              username=current_user()["username"],
                                              import_kind=item.import_kind)  # fmt: skip
            except (PermissionError, LookupError):
                st.error(tr("im.scope_refused"))
                st.stop()
            except DatabaseBusy:
                st.error(tr("im.busy"), icon=":material/hourglass_top:")
                st.stop()
        if delivery.accepted:
            row = delivery.submission
            on_time = row["submitted_at"].date() <= row["due_date"]
            item_name = getattr(item, name_column(language))
            message = trn("im.accepted.one", "im.accepted.other", row["rows_accepted"],
                          item=item_name, period=period, id=row["submission_id"],
                          at=format_datetime(row["submitted_at"], language),
                          timeliness=tr("im.on_time") if on_time else tr("im.late"))  # fmt: skip
            st.session_state["im_done"] = ("ok", message)
            st.session_state["im_generation"] = generation + 1
            st.session_state.pop("im_checked", None)
            st.rerun()
        elif delivery.error is not None:
            st.error(tr("im.not_recorded", reason=delivery.error))
        else:  # the file changed under us, or the database did: show the new report
            st.session_state["im_checked"] = (fingerprint, delivery.report)
            st.session_state["im_done"] = ("error", tr("im.refused_on_accept"))
            st.rerun()

# --- the department's recent deliveries
st.subheader(tr("im.history"))
history = submissions.recent(url, scope, dept)
if history.empty:
    st.caption(tr("im.no_history"))
else:
    item_label = {c: getattr(i, name_column(language)) for c, i in items.items()}
    shown = pd.DataFrame(
        {
            tr("col.item"): history["item_code"].map(lambda c: item_label.get(c, c)),
            tr("col.period"): history["period"],
            tr("col.due_date"): history["due_date"],
            tr("col.submitted_at"): history["submitted_at"],
            tr("im.col.timeliness"): history["on_time"].map(
                lambda ok: tr("im.on_time") if ok else tr("im.late")
            ),
            tr("col.rows_submitted"): history["rows_submitted"],
            tr("im.col.rows_accepted"): history["rows_accepted"],
            tr("col.rows_rejected"): history["rows_rejected"],
            tr("im.col.uploaded_by"): history["uploaded_by"].fillna(tr("im.via_import")),
            tr("im.col.submission_id"): history["submission_id"],  # for reference, last
        }
    )
    show_table(shown, hide_index=True, width="stretch")
