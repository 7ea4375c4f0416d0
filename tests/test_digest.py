"""Digests and the inbox (jobs.digest, jobs.channels, data_access.queries.notices, pages/inbox.py):
what a department head's and a privacy officer's digest name on a database of known rows, and
nothing of another department; the dry run writes nothing; a run writes each inbox copy once;
e-mail to a local SMTP server (aiosmtpd) and the DingTalk robot format and signature to a local
HTTP server; a failed send is recorded, reported in the job's message and the inbox copy kept;
the inbox page."""

from __future__ import annotations

import base64
import datetime as dt
import email
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import func, insert, select, update

from data_access.__main__ import main
from data_access.engine import get_engine
from data_access.queries import notices
from data_access.queries import supervision as sv
from data_access.queries.reporting import periods_between
from data_access.schema import models as m
from data_access.schema.job_models import JobRun
from data_access.schema.notice_models import NoticeDelivery, NoticeMessage, NoticeSubscription
from data_access.schema.reference import read_catalogue
from data_access.scope import Scope
from jobs import channels, nightly
from jobs.digest import build_digest, run_digests

AS_OF = dt.date(2026, 4, 10)  # 2026-Q1 deliveries are due on 15 April: in 5 days
NOW = dt.datetime(2026, 4, 10, 1, 30)
SINCE = dt.datetime(2026, 4, 9, 1, 30)  # the privacy officer's last digest
OFFICE = Scope("leading_office")
ITEMS = {r["code"]: r for r in read_catalogue("catalog_items")}
USERS = [("dept_edu", "教育局负责人", "department_head", "EDU"),
         ("dept_samr", "市场监管局负责人", "department_head", "SAMR"),
         ("privacy_officer", "隐私保护专员", "privacy_officer", "DRC"),
         ("leading_office", "市信用办", "leading_office", "DRC"),
         ("admin", "系统管理员", "admin", None)]  # fmt: skip


def _world(url: str) -> None:
    """Five users subscribed daily; EDU delivered everything on time but ROSTER-TEACHER 2025-Q2
    (missing) and ACADEMIC 2026-Q1 (due in 5 days); SAMR delivered nothing; one open item each
    for EDU and SAMR; three alerts, one raised before the privacy officer's last digest."""
    engine = get_engine(url)
    rows = []
    for code, item in ITEMS.items():
        if item["dept_code"] != "EDU":
            continue
        for label, _first, _last, due in periods_between(item["frequency"], dt.date(2024, 1, 1),
                                                         AS_OF):  # fmt: skip
            if due > AS_OF + dt.timedelta(days=30) or (code, label) in {
                ("ROSTER-TEACHER", "2025-Q2"), ("ACADEMIC", "2026-Q1")}:  # fmt: skip
                continue
            rows.append({"submission_id": f"{code}-{label}", "item_code": code, "period": label,
                         "due_date": due, "submitted_at": dt.datetime.combine(
                             min(due, AS_OF) - dt.timedelta(days=3), dt.time(9)),
                         "rows_submitted": 10, "rows_accepted": 10,
                         "rows_rejected": 0})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.DashboardUser), [
            {"username": u, "display_name": n, "role": r, "department_code": d,
             "password_hash": "x", "failed_attempts": 0, "active": True}
            for u, n, r, d in USERS])  # fmt: skip
        conn.execute(insert(m.Submission), rows)
        conn.execute(insert(m.Operator), [
            {"operator_id": "OP1", "name": "王建国", "department_code": "PSB", "role": "window"},
            {"operator_id": "OP2", "name": "李秀英", "department_code": "COURT", "role": "officer"},
        ])  # fmt: skip
        window = {"window_start": dt.datetime(2026, 4, 1), "window_end": dt.datetime(2026, 4, 8)}
        conn.execute(insert(m.Alert), [
            {"operator_id": "OP1", "score": 50.0, "reasons_zh": "旧预警；第二条理由",
             "reasons_en": "old alert; second", "created_at": SINCE - dt.timedelta(hours=1),
             **window},
            {"operator_id": "OP2", "score": 12.5, "reasons_zh": "夜间查询 40 次；第二条理由",
             "reasons_en": "40 lookups at night; second reason",
             "created_at": SINCE + dt.timedelta(hours=2), **window,
             "window_end": dt.datetime(2026, 4, 9)},
            {"operator_id": "OP1", "score": 30.0, "reasons_zh": "本县以外居民的查询 58 次；其他",
             "reasons_en": "58 lookups of residents of other counties; more",
             "created_at": SINCE + dt.timedelta(hours=3), **window,
             "window_end": dt.datetime(2026, 4, 10)},
        ])  # fmt: skip
    notices.subscribe_defaults(engine, [u for u, *_ in USERS], now=NOW)
    with engine.begin() as conn:
        conn.execute(update(NoticeSubscription)
                     .where(NoticeSubscription.username == "privacy_officer")
                     .values(last_digest_on=AS_OF - dt.timedelta(days=1), last_digest_at=SINCE,
                             alerts_seen_to=1, language="en"))  # fmt: skip
    for unit, text in (("EDU", "请补报教师名册并说明原因"), ("SAMR", "市场监管局的整改要求")):
        sv.open_item(engine, OFFICE, "leading_office", unit_code=unit, source="delivery",
                     source_ref=f"{unit}|x", facts={}, seen_on=AS_OF,
                     deadline=AS_OF + dt.timedelta(days=10), action=text, today=AS_OF,
                     now=NOW)  # fmt: skip


def _subscriber(url: str, username: str) -> dict:
    due = notices.due_subscribers(get_engine(url), AS_OF)
    return due[due["username"] == username].to_dict("records")[0]


def test_a_department_heads_digest_names_their_own_and_nothing_of_another(db_url):
    _world(db_url)
    digest = build_digest(get_engine(db_url), _subscriber(db_url, "dept_edu"), AS_OF, NOW)
    teacher, academic = ITEMS["ROSTER-TEACHER"]["name_zh"], ITEMS["ACADEMIC"]["name_zh"]
    assert digest.subject == "【周口市信用平台】每日摘要 2026-04-10：3 项需要您关注"
    body = digest.body
    assert "#### 数据报送：逾期未报 1 项，7 日内到期 1 项" in body
    assert f"- {teacher}（2025-Q2）：应于 2025-07-15 报送，已逾期 269 天，尚未报送" in body
    assert f"- {academic}（2026-Q1）：应于 2026-04-15 前报送，还有 5 天" in body
    assert "#### 督办事项：待您答复 1 项（其中逾期 0 项）" in body
    assert (
        "第 1 号（数据报送）：截止 2026-04-20，还有 10 天；要求：请补报教师名册并说明原因" in body
    )
    others = [i["name_zh"] for i in ITEMS.values() if i["dept_code"] != "EDU"]
    assert not [name for name in others if name in body]  # SAMR's many missing deliveries
    assert "市场监管局的整改要求" not in body and "第 2 号" not in body
    assert digest.channels == ["inbox"]


def test_a_privacy_officers_digest_names_the_alerts_since_the_last_one(db_url):
    _world(db_url)
    digest = build_digest(get_engine(db_url), _subscriber(db_url, "privacy_officer"), AS_OF, NOW)
    lines = [line for line in digest.body.splitlines() if line.startswith("- ")]
    assert "#### New query alerts: 2" in digest.body  # the subscriber chose English
    assert lines == [
        "- Alert 3, score 30.0: 王建国 (Public Security Bureau): 58 lookups of residents of "
        "other counties",
        "- Alert 2, score 12.5: 李秀英 (Intermediate People's Court): 40 lookups at night",
    ]
    assert "old alert" not in digest.body  # raised before the last digest


def _count(url: str, table) -> int:
    with get_engine(url).connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)))


def test_the_dry_run_writes_nothing_and_a_run_writes_each_inbox_copy_once(db_url, capsys):
    _world(db_url)
    assert main(["--db", db_url, "digest", "--dry-run", "--as-of", str(AS_OF)]) == 0
    out = capsys.readouterr().out
    assert "== to: dept_edu (教育局负责人), department_head" in out
    assert "== to: privacy_officer (隐私保护专员), privacy_officer" in out
    assert "== admin (系统管理员): nothing to report, no digest would be sent" in out
    assert "5 digests due, 4 would be sent, 1 empty; nothing written or sent" in out
    assert (_count(db_url, NoticeMessage), _count(db_url, JobRun)) == (0, 0)
    assert notices.due_subscribers(get_engine(db_url), AS_OF)["username"].tolist() == sorted(
        u for u, *_ in USERS
    )  # still all due
    assert main(["--db", db_url, "digest", "--as-of", str(AS_OF)]) == 0
    assert "4 with content, 1 empty (not sent); inbox 4" in capsys.readouterr().out
    assert _count(db_url, NoticeMessage) == 4
    assert main(["--db", db_url, "digest", "--as-of", str(AS_OF)]) == 0  # nothing due again
    assert _count(db_url, NoticeMessage) == 4
    edu = notices.messages(get_engine(db_url), Scope("department_head", "EDU"), "dept_edu")
    assert len(edu) == 1 and "督办事项" in edu["body"].iloc[0]


# --------------------------------------------------------------------------- the channels


def test_an_email_reaches_a_local_smtp_server():
    from aiosmtpd.controller import Controller

    received: list[tuple[list[str], bytes]] = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            received.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        config = channels.ChannelConfig(smtp_host="127.0.0.1", smtp_port=controller.port,
                                        smtp_from="credit@zk.gov.cn")  # fmt: skip
        channels.send_email(config, "li.na@zk.gov.cn", "每日摘要 2026-04-10", "- 教师名册：已逾期")
    finally:
        controller.stop()
    [(recipients, content)] = received
    message = email.message_from_bytes(content, policy=default_policy)
    assert recipients == ["li.na@zk.gov.cn"]
    assert message["Subject"] == "每日摘要 2026-04-10" and message["From"] == "credit@zk.gov.cn"
    assert message.get_content().strip() == "- 教师名册：已逾期"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Robot(BaseHTTPRequestHandler):
    """A DingTalk robot: records each request and answers `answer`."""

    requests: list[tuple[str, bytes]] = []
    answer = {"errcode": 0, "errmsg": "ok"}

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests.append((self.path, body))
        data = json.dumps(type(self).answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    _Robot.requests, _Robot.answer = [], {"errcode": 0, "errmsg": "ok"}
    server = HTTPServer(("127.0.0.1", 0), _Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot/send?access_token=T0KEN", _Robot
    server.shutdown()
    server.server_close()


def test_a_dingtalk_message_is_markdown_and_signed(robot):
    url, handler = robot
    config = channels.ChannelConfig(dingtalk_webhook=url, dingtalk_secret="SECabc")
    channels.send_dingtalk(config, "每日摘要", "### 标题\n- 一项", timestamp_ms=1_767_225_600_000)
    [(path, body)] = handler.requests
    assert json.loads(body) == {"msgtype": "markdown",
                                "markdown": {"title": "每日摘要", "text": "### 标题\n- 一项"}}  # fmt: skip
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    expected = base64.b64encode(hmac.new(b"SECabc", b"1767225600000\nSECabc",
                                         hashlib.sha256).digest()).decode()  # fmt: skip
    assert query == {"access_token": ["T0KEN"], "timestamp": ["1767225600000"], "sign": [expected]}
    handler.answer = {"errcode": 310000, "errmsg": "sign not match"}
    with pytest.raises(channels.SendError, match="errcode 310000: sign not match"):
        channels.send_dingtalk(config, "t", "x")


def test_a_failed_send_is_recorded_and_reported_and_the_inbox_copy_kept(db_url, robot, monkeypatch):
    _world(db_url)
    url, handler = robot
    handler.answer = {"errcode": 300001, "errmsg": "token is not exist"}
    engine = get_engine(db_url)
    notices.save_subscription(engine, Scope("department_head", "EDU"), "dept_edu",
                              frequency="daily", language="zh", email="edu@zk.gov.cn",
                              dingtalk=True)  # fmt: skip
    monkeypatch.setenv("CREDIT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CREDIT_SMTP_PORT", str(_free_port()))  # nothing listens there
    monkeypatch.setenv("CREDIT_DINGTALK_WEBHOOK", url)
    monkeypatch.delenv("CREDIT_DINGTALK_SECRET", raising=False)
    outcome = nightly.run_job(engine, "digest", AS_OF)
    assert outcome.status == "failed"
    assert "2 sends failed: dept_edu email: ConnectionRefusedError" in outcome.message
    assert "dept_edu dingtalk: DingTalk errcode 300001: token is not exist" in outcome.message
    edu = notices.messages(engine, Scope("department_head", "EDU"), "dept_edu")
    assert len(edu) == 1  # the inbox copy is there
    with engine.connect() as conn:
        sent = conn.execute(select(NoticeDelivery.channel, NoticeDelivery.status)
                            .order_by(NoticeDelivery.delivery_id)).all()  # fmt: skip
        job = conn.execute(select(JobRun.job, JobRun.status)).one()
    assert [tuple(s) for s in sent] == [("email", "failed"), ("dingtalk", "failed")]
    assert tuple(job) == ("digest", "failed")


def test_run_digests_skips_an_account_without_a_scope(db_url):
    engine = get_engine(db_url)
    with engine.begin() as conn:
        conn.execute(insert(m.DashboardUser).values(
            username="dept_none", display_name="无部门", role="department_head",
            department_code=None, password_hash="x", failed_attempts=0, active=True))  # fmt: skip
    notices.subscribe_defaults(engine, ["dept_none"])
    run = run_digests(engine, AS_OF, dry_run=True, config=channels.ChannelConfig())
    assert run.digests == [] and run.skipped[0].startswith("dept_none: ")


# --------------------------------------------------------------------------- the page


def test_the_inbox_page_counts_marks_read_and_saves_the_settings(db_url, monkeypatch):
    from tests.apptest import open_page
    from ui.i18n import t

    _world(db_url)
    run_digests(get_engine(db_url), AS_OF, now=NOW, config=channels.ChannelConfig())
    user = {"username": "dept_edu", "role": "department_head", "department_code": "EDU"}
    app = open_page(db_url, "pages/inbox.py", user, monkeypatch)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "消息"
    assert {x.label: x.value for x in app.main.metric} == {t("inbox.unread", "zh"): "1"}
    [box] = app.main.expander
    assert (
        box.label
        == "未读 · 2026-04-10 01:30 · 【周口市信用平台】每日摘要 2026-04-10：3 项需要您关注"
    )
    app.button(key="inbox_read_1").click().run()
    assert {x.value for x in app.main.metric} == {"0"}
    assert app.main.expander[0].label.startswith("已读 · ")
    app.text_input(key="inbox_email").set_value("not an address")
    app.radio(key="inbox_frequency").set_value("weekly")
    [b for b in app.main.button if b.label == "保存设置"][0].click().run()
    assert [w.value for w in app.main.warning] == [t("inbox.err.email", "zh")]
    engine = get_engine(db_url)
    scope = Scope("department_head", "EDU")
    assert notices.subscription(engine, scope, "dept_edu")["frequency"] == "daily"  # unchanged
    app.text_input(key="inbox_email").set_value("edu@zk.gov.cn")
    [b for b in app.main.button if b.label == "保存设置"][0].click().run()
    saved = notices.subscription(engine, scope, "dept_edu")
    assert (saved["frequency"], saved["email"]) == ("weekly", "edu@zk.gov.cn")
