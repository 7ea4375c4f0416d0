"""The digest: what needs each subscribed user, by role and scope, sent to their inbox and, when
they asked for it, by e-mail and to the DingTalk robot (jobs.channels).

What a digest names (read with the recipient's own Scope, through the queries the pages use, so
it never says more than their pages do):
- department head: their deliveries not made by the due date or due within 7 days
  (data_access.queries.reporting), their objections and repairs past or within a working day of a
  legal limit (queries.repair, the limits of queries.legal_limits), their supervision items
  waiting for their answer with the deadlines (queries.supervision);
- leading-group office: late and missing deliveries per unit, overdue supervision items, failed
  jobs (queries.jobs);
- privacy officer: alerts raised since their last digest (alert numbers above the highest one
  the last digest saw; every open alert for a first digest), with the score and the first reason;
- administrator: jobs that failed or whose last good run is too old.
An empty section is left out; a digest with no section is not sent (nor written to the inbox).
Applicants are never named (application numbers only): a digest may leave the building by e-mail.

`run_digests` builds every digest due on the as-of date (data_access.queries.notices), writes
each to the inbox in its own transaction, then tries the other channels; a failed send is
recorded in notice_delivery and counted in the run's summary, never raised. With dry_run nothing
is written or sent. Text in the subscriber's language (Chinese unless they chose English), from
the digest's gettext catalogues (jobs/digest_text.py, jobs/locale; README.md, Translations).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from data_access.clock import city_now
from data_access.queries import notices
from data_access.queries import repair as repair_q
from data_access.queries import supervision as supervision_q
from data_access.queries.jobs import health, last_runs
from data_access.queries.reporting import (
    catalogue_items,
    delivered_per_period,
    delivery_status,
    expected_deliveries,
)
from data_access.queries.workdays import load_calendar
from data_access.scope import Scope
from jobs import channels
from jobs.digest_text import N_, w

SOON_DAYS = 7  # deliveries due within this many days are named
NEAR_WORKING_DAYS = 1  # applications with at most this many working days left are named
LOOKBACK_YEARS = 2  # deliveries of periods from 1 January two years before the as-of year
MAX_ROWS = 10  # lines per section; the rest counted
SHORT_TEXT = 60  # characters of an item's required action
REASON_TEXT = 120  # characters of an alert's first reason

# codes whose text is chosen at run time -> their keys (jobs/digest_text.py: keys are never built)
FREQUENCY_TEXT = {"daily": N_("daily"), "weekly": N_("weekly")}
KIND_TEXT = {"objection": N_("kind.objection"), "repair": N_("kind.repair")}
WHAT_TEXT = {"decision": N_("what.decision"), "answer": N_("what.answer")}
SOURCE_TEXT = {
    "delivery": N_("source.delivery"),
    "repair": N_("source.repair"),
    "coverage": N_("source.coverage"),
}
STATUS_TEXT = {
    "open": N_("status.open"),
    "returned": N_("status.returned"),
    "answered": N_("status.answered"),
    "accepted": N_("status.accepted"),
}
JOB_TEXT = {
    "rollups": N_("job.rollups"),
    "points": N_("job.points"),
    "anomalies": N_("job.anomalies"),
    "display_check": N_("job.display_check"),
    "digest": N_("job.digest"),
}


@dataclass
class Section:
    title: str
    lines: list[str]
    count: int  # the things it names (for the subject)


@dataclass
class Digest:
    username: str
    display_name: str
    role: str
    language: str
    channels: list[str]
    email: str | None
    subject: str = ""
    body: str = ""
    sections: list[Section] = field(default_factory=list)
    alerts_seen_to: int | None = None  # a privacy officer's: the highest alert number read

    @property
    def empty(self) -> bool:
        return not self.sections


@dataclass
class DigestRun:
    as_of: dt.date
    dry_run: bool
    digests: list[Digest] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # username: reason
    sent: dict[str, int] = field(default_factory=lambda: {"inbox": 0, "email": 0, "dingtalk": 0})
    failures: list[str] = field(default_factory=list)  # username channel: reason

    @property
    def with_content(self) -> list[Digest]:
        return [d for d in self.digests if not d.empty]

    def summary(self) -> str:
        empty = len(self.digests) - len(self.with_content)
        text = (
            f"digests as of {self.as_of}: {len(self.digests)} due, {len(self.with_content)} "
            f"with content, {empty} empty (not sent); inbox {self.sent['inbox']}, e-mail "
            f"{self.sent['email']}, DingTalk {self.sent['dingtalk']} sent"
        )
        if self.skipped:
            text += f"; skipped: {', '.join(self.skipped)}"
        if self.failures:
            text += f"; {len(self.failures)} sends failed: {'; '.join(self.failures)}"
        return text


# --------------------------------------------------------------------------- sections


def _limited(lines: list[str], language: str) -> list[str]:
    if len(lines) <= MAX_ROWS:
        return lines
    return [*lines[:MAX_ROWS], w("more", language, n=len(lines) - MAX_ROWS)]


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """The frame's rows as named tuples (typed Any: their fields are the frame's columns)."""
    return frame.itertuples(index=False)


def _on_or_before(days: pd.Series, limit: dt.date) -> pd.Series:
    """A boolean mask of the dates on or before the limit (an empty frame's mask too)."""
    return pd.Series([d <= limit for d in days], index=days.index, dtype=bool)


def _delivery_status(engine: Engine, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    """Every (item, period) of the scope's catalogue items whose period ended by the as-of date,
    judged SOON_DAYS ahead (so that deliveries due soon are in it), with only deliveries made by
    the as-of date counted."""
    items = catalogue_items(engine, scope)
    if items.empty:
        return pd.DataFrame()
    start = dt.date(as_of.year - LOOKBACK_YEARS, 1, 1)
    expected = expected_deliveries(items, start, as_of, as_of)
    delivered = delivered_per_period(
        engine, sorted(expected["item_code"].unique()), sorted(expected["period"].unique())
    )
    made = pd.Series([pd.notna(at) and pd.Timestamp(at).date() <= as_of
                      for at in delivered["submitted_at"]], index=delivered.index, dtype=bool)  # fmt: skip
    ahead = as_of + dt.timedelta(days=SOON_DAYS)
    return delivery_status(expected, delivered[made], ahead)


def department_deliveries(
    engine: Engine, scope: Scope, as_of: dt.date, language: str, names: dict
) -> Section | None:
    status = _delivery_status(engine, scope, as_of)
    if status.empty:
        return None
    open_ = status[status["missing"]]
    overdue = _on_or_before(open_["due_date"], as_of)
    late, soon = open_[overdue].sort_values("due_date"), open_[~overdue].sort_values("due_date")
    if late.empty and soon.empty:
        return None
    item_names = names["item"]
    lines = [
        w("d.late", language, item=item_names.get(r.item_code, r.item_code), period=r.period,
          due=r.due_date, days=(as_of - r.due_date).days)
        for r in _rows(late)
    ] + [
        w("d.soon", language, item=item_names.get(r.item_code, r.item_code), period=r.period,
          due=r.due_date, days=(r.due_date - as_of).days)
        for r in _rows(soon)
    ]  # fmt: skip
    title = w("s.deliveries", language, late=len(late), soon=len(soon))
    return Section(title, _limited(lines, language), len(lines))


def department_repairs(
    engine: Engine, scope: Scope, as_of: dt.date, language: str
) -> Section | None:
    frame = repair_q.read_applications(engine, scope, as_of)
    if frame.empty:
        return None
    calendar = load_calendar(engine)
    h = repair_q.handling(frame, as_of, calendar)
    past, near = [], []
    for r in _rows(h[h["received"]]):
        kind = w(KIND_TEXT[r.kind if r.kind in KIND_TEXT else "repair"], language)
        for what, done, limit in (("decision", r.decided, r.decision_limit),
                                  ("answer", r.answered, r.answer_limit)):  # fmt: skip
            if done or pd.isna(r.elapsed_days):
                continue
            deadline = calendar.add_working_days(r.received_at, int(limit))
            left = int(limit) - int(r.elapsed_days)
            values = {"kind": kind, "id": r.application_id, "received": r.received_at,
                      "what": w(WHAT_TEXT[what], language), "deadline": deadline}  # fmt: skip
            if left < 0:
                past.append((deadline, w("r.past", language, days=-left, **values)))
            elif left <= NEAR_WORKING_DAYS:
                near.append((deadline, w("r.near", language, **values)))
            if not done:
                break  # the decision is what is owed first; its answer is named once decided
    if not past and not near:
        return None
    lines = [text for _, text in sorted(past)] + [text for _, text in sorted(near)]
    title = w("s.repair", language, past=len(past), near=len(near))
    return Section(title, _limited(lines, language), len(lines))


def _action(text: str, limit: int = SHORT_TEXT) -> str:
    """Free text (a required action, an alert's reason) on one line, shortened, with the signs
    that Markdown would read as formatting or links turned into spaces."""
    text = " ".join(re.sub(r"[\\`*_\[\]<>#|~]", " ", str(text)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def department_supervision(
    engine: Engine, scope: Scope, as_of: dt.date, language: str
) -> Section | None:
    items = supervision_q.items(engine, scope, as_of, statuses=supervision_q.OPEN_STATES)
    if items.empty:
        return None
    items = items.sort_values(["deadline", "item_id"])
    lines = []
    for r in _rows(items):
        when = (w("v.over", language, days=r.days_overdue) if r.overdue
                else w("v.left", language, days=(r.deadline - as_of).days))  # fmt: skip
        line = w("v.item", language, id=r.item_id, source=w(SOURCE_TEXT[r.source], language),
                 deadline=r.deadline, when=when, action=_action(r.action_required))  # fmt: skip
        lines.append(line + (w("v.returned", language) if r.status == "returned" else ""))
    title = w("s.supervision", language, n=len(items), overdue=int(items["overdue"].sum()))
    return Section(title, _limited(lines, language), len(lines))


def office_units(
    engine: Engine, scope: Scope, as_of: dt.date, language: str, names: dict
) -> Section | None:
    status = _delivery_status(engine, scope, as_of)
    if status.empty:
        return None
    status = status[_on_or_before(status["due_date"], as_of)]
    year_ago = as_of - dt.timedelta(days=365)
    recent_late = status["late"] & ~_on_or_before(status["due_date"], year_ago)
    frame = status.assign(
        recent_late=recent_late,
        days=[(as_of - d).days if miss else 0
              for d, miss in zip(status["due_date"], status["missing"], strict=True)],
    )  # fmt: skip
    per_unit = (
        frame.groupby("unit_code")
        .agg(missing=("missing", "sum"), late=("recent_late", "sum"), days=("days", "max"))
        .reset_index()
    )
    per_unit = per_unit[(per_unit["missing"] > 0) | (per_unit["late"] > 0)]
    if per_unit.empty:
        return None
    per_unit = per_unit.sort_values(
        ["missing", "late", "unit_code"], ascending=[False, False, True]
    )
    lines = []
    for r in _rows(per_unit):
        unit = names["unit"].get(r.unit_code, names["department"].get(r.unit_code, r.unit_code))
        key = (N_("u.line") if r.missing and r.late
               else N_("u.line_missing") if r.missing else N_("u.line_late"))  # fmt: skip
        lines.append(w(key, language, unit=unit, missing=int(r.missing), days=int(r.days),
                       late=int(r.late)))  # fmt: skip
    title = w("s.units", language, units=len(per_unit))
    return Section(title, _limited(lines, language), len(lines))


def office_overdue_items(
    engine: Engine, scope: Scope, as_of: dt.date, language: str, names: dict
) -> Section | None:
    items = supervision_q.items(engine, scope, as_of)
    items = items[items["overdue"]].sort_values(["deadline", "item_id"])
    if items.empty:
        return None
    lines = [
        w("o.item", language, unit=names["unit"].get(r.unit_code, r.unit_code), id=r.item_id,
          source=w(SOURCE_TEXT[r.source], language), status=w(STATUS_TEXT[r.status], language),
          deadline=r.deadline, days=r.days_overdue)
        for r in _rows(items)
    ]  # fmt: skip
    return Section(w("s.overdue_items", language, n=len(items)), _limited(lines, language),
                   len(lines))  # fmt: skip


def job_trouble(
    engine: Engine, now: dt.datetime, language: str, states: tuple[str, ...]
) -> Section | None:
    last = last_runs(engine)
    last = last.assign(health=list(health(last, now)))
    bad = last[last["health"].isin(states)]
    if bad.empty:
        return None
    lines = []
    for r in bad.to_dict("records"):
        job = w(JOB_TEXT[r["job"]], language) if r["job"] in JOB_TEXT else r["job"]
        if r["health"] == "failed":
            message = str(r["message"] or "").splitlines()[0][:120] if r["message"] else ""
            at = f"{pd.Timestamp(r['started_at']):%Y-%m-%d %H:%M}"
            lines.append(w("j.failed", language, job=job, at=at, message=message))
        else:
            at = (w("never", language) if pd.isna(r["last_ok_at"])
                  else f"{pd.Timestamp(r['last_ok_at']):%Y-%m-%d %H:%M}")  # fmt: skip
            lines.append(w("j.stale", language, job=job, at=at))
    key = N_("s.failed_jobs") if states == ("failed",) else N_("s.jobs")
    return Section(w(key, language, n=len(lines)), lines, len(lines))


def _first_reason(text: str) -> str:
    for mark in ("；", "; "):
        text = text.split(mark)[0]
    return _action(text, REASON_TEXT)


def privacy_alerts(
    engine: Engine, scope: Scope, after_id: int | None, language: str, names: dict
) -> tuple[Section | None, int]:
    """The alerts after alert number `after_id` (every open one for a first digest), and the
    highest alert number now."""
    alerts, top = notices.new_alerts(engine, scope, after_id)
    if alerts.empty:
        return None, top
    reasons = "reasons_en" if language == "en" else "reasons_zh"
    lines = [
        w("a.line", language, id=r["alert_id"], score=format(float(r["score"]), ".1f"),
          operator=r["operator_name"],
          department=names["department"].get(r["department_code"], r["department_code"]),
          reason=_first_reason(str(r[reasons])))
        for r in alerts.to_dict("records")
    ]  # fmt: skip
    key = N_("s.alerts_first") if after_id is None else N_("s.alerts")
    return Section(w(key, language, n=len(alerts)), _limited(lines, language), len(lines)), top


# --------------------------------------------------------------------------- one digest


def build_digest(
    engine: Engine, subscriber: dict[str, Any], as_of: dt.date, now: dt.datetime
) -> Digest:
    """The digest of one subscriber (a row of notices.due_subscribers), read with their Scope.
    PermissionError for an account whose role or department gives no scope."""
    scope = Scope.from_user(subscriber)
    language = "en" if subscriber.get("language") == "en" else "zh"
    email = subscriber.get("email")
    email = email if isinstance(email, str) and email else None  # None or NaN from the frame
    digest = Digest(
        username=str(subscriber["username"]),
        display_name=str(subscriber.get("display_name") or subscriber["username"]),
        role=scope.role,
        language=language,
        channels=["inbox"] + (["email"] if email else []) + (
            ["dingtalk"] if subscriber.get("dingtalk") is True or subscriber.get("dingtalk") == 1
            else []),
        email=email,
    )  # fmt: skip
    names = notices.names(engine, language)
    sections: list[Section | None]
    if scope.role == "department_head":
        sections = [
            department_deliveries(engine, scope, as_of, language, names),
            department_repairs(engine, scope, as_of, language),
            department_supervision(engine, scope, as_of, language),
        ]
    elif scope.role == "leading_office":
        sections = [
            office_units(engine, scope, as_of, language, names),
            office_overdue_items(engine, scope, as_of, language, names),
            job_trouble(engine, now, language, ("failed",)),
        ]
    elif scope.role == "privacy_officer":
        seen = subscriber.get("alerts_seen_to")
        after_id = None if seen is None or pd.isna(seen) else int(seen)
        section, digest.alerts_seen_to = privacy_alerts(engine, scope, after_id, language, names)
        sections = [section]
    else:
        sections = [job_trouble(engine, now, language, ("failed", "stale"))]
    digest.sections = [s for s in sections if s is not None]
    if digest.empty:
        return digest
    kind = w(FREQUENCY_TEXT[str(subscriber.get("frequency") or "daily")], language)
    count = sum(s.count for s in digest.sections)
    digest.subject = w("subject", language, kind=kind, day=as_of, n=count)
    heading = w("heading", language, kind=kind, day=as_of)
    parts = [f"### {heading}", "", w("greeting", language, name=digest.display_name, day=as_of)]
    for section in digest.sections:
        parts += ["", f"#### {section.title}", "", *(f"- {line}" for line in section.lines)]
    parts += ["", w("footer", language)]
    digest.body = "\n".join(parts)
    return digest


# --------------------------------------------------------------------------- the run


def run_digests(
    engine: Engine,
    as_of: dt.date,
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    config: channels.ChannelConfig | None = None,
    say: Callable[[str], None] | None = None,
) -> DigestRun:
    """Build every digest due on the as-of date; unless dry_run, write each to the inbox (with
    the subscription's last digest) and send it on the subscriber's other channels."""
    say = say or (lambda _m: None)
    now = now or city_now()
    config = config or channels.load_config()
    run = DigestRun(as_of, dry_run)
    subscriber: dict[str, Any]
    for subscriber in notices.due_subscribers(engine, as_of).to_dict("records"):  # type: ignore[assignment]
        try:
            digest = build_digest(engine, subscriber, as_of, now)
        except PermissionError as exc:
            run.skipped.append(f"{subscriber['username']}: {exc}")
            continue
        run.digests.append(digest)
        if dry_run:
            continue
        message = None if digest.empty else (digest.subject, digest.body)
        message_id = notices.record_digest(engine, digest.username, as_of, now, message,
                                           digest.alerts_seen_to)  # fmt: skip
        if message_id is None:
            continue
        run.sent["inbox"] += 1
        for channel in digest.channels[1:]:
            address = digest.email or "" if channel == "email" else "robot"
            try:
                if channel == "email":
                    channels.send_email(config, digest.email or "", digest.subject, digest.body)
                else:
                    channels.send_dingtalk(config, digest.subject, digest.body)
            except channels.SendError as exc:
                notices.record_delivery(engine, message_id, channel, address, False, str(exc), now)
                run.failures.append(f"{digest.username} {channel}: {exc}")
                continue
            notices.record_delivery(engine, message_id, channel, address, True, "", now)
            run.sent[channel] += 1
        say(f"digest: {digest.username} ({', '.join(digest.channels)})")
    return run


def dry_run_text(run: DigestRun) -> str:
    """What `digest --dry-run` prints: every due digest (recipient, channels, subject, body) and
    the ones left empty."""
    out: list[str] = []
    for digest in run.digests:
        if digest.empty:
            out.append(f"== {digest.username} ({digest.display_name}): nothing to report, "
                       "no digest would be sent")  # fmt: skip
            continue
        where = ", ".join(f"email <{digest.email}>" if c == "email" else c for c in digest.channels)
        out += [f"== to: {digest.username} ({digest.display_name}), {digest.role}",
                f"   channels: {where}", f"   subject: {digest.subject}", "",
                digest.body, ""]  # fmt: skip
    for skipped in run.skipped:
        out.append(f"== skipped {skipped}")
    with_content = len(run.with_content)
    out.append(f"dry run as of {run.as_of}: {len(run.digests)} digests due, {with_content} "
               f"would be sent, {len(run.digests) - with_content} empty; nothing written or sent")  # fmt: skip
    return "\n".join(out)
