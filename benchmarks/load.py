"""Benchmark: N signed-in users at once against a running dashboard, each opening every page of its
role's menu; prints p50/p95 page times and errors per page.

    python benchmarks/load.py --db URL [--sessions 10] [--rounds 2] [--timeout 60] [--servers 1]
                              [--check] [--fresh]

Starts its own dashboard server on 127.0.0.1 (a free port) over the database and creates one
load-test account per session (username `load_<n>`, roles in turn: the leading office, a
department head of each department in turn, the privacy officer, an administrator), disabled at
the end. Each session is a real Streamlit websocket session (the browser's protocol: a BackMsg
asking to run a page, ForwardMsgs back until the script has finished), signed in the way a
reload signs in: a server-side session opened for the account and its token in the session
cookie. With --servers K it starts K dashboard processes and puts session i on process i mod K,
as a proxy with sticky sessions would (deploy/README.md); each process has its own caches. No
browser draws the pages, so on this two-core machine the server alone is measured;
the browser's own drawing (a few hundred ms) is not included. Sessions run at once; each opens
the pages of its menu by name, `--rounds` times (the first round of the first sessions meets
empty caches: the cold case).

A page's time runs from the request until the server reports the script finished. An error is a
page that raised (a Streamlit exception element), showed an error box, did not show its title
(refused or sent elsewhere), or did not finish within --timeout seconds.

Before the sessions, each process serves one sign-in page (what a proxy's readiness check or
the first visitor does) and the benchmark waits until it reports its imports done (ui.warm_up):
the sessions meet processes that have started, with empty data caches. `--fresh` skips this (the
sessions then also wait for the process's first imports).

Bounded: at most 50 sessions, 5 rounds, 127.0.0.1 only. With --check the exit code is 1 when the
95th percentile of any page is 3 s or more or any page failed (the issue's target with N = 10).
Run it on a copy made for benchmarking: it writes accounts and their sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from data_access.accounts.user_admin import (  # noqa: E402
    AccountError,
    add_user,
    set_active,
    set_password,
)
from data_access.accounts.user_sessions import open_session  # noqa: E402
from data_access.engine import get_engine  # noqa: E402
from data_access.schema.reference import read_catalogue  # noqa: E402
from ui.i18n import t  # noqa: E402
from ui.navigation import pages_for_role  # noqa: E402
from ui.session_cookie import COOKIE  # noqa: E402
from ui.warm_up import WARM_MESSAGE  # noqa: E402

MAX_SESSIONS, MAX_ROUNDS, MAX_SERVERS = 50, 5, 8
TARGET_P95 = 3.0
ERROR_ALERT = 1  # Alert.Format.ERROR
RERUN = 2  # ForwardMsg.FINISHED_EARLY_FOR_RERUN: the page goes on in a new run


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, page: str, seconds: float | None, error: str | None) -> None:
        self.seconds.setdefault(page, [])
        self.errors.setdefault(page, [])
        if seconds is not None:
            self.seconds[page].append(seconds)
        if error:
            self.errors[page].append(error)


def roles_in_turn(n: int) -> list[tuple[str, str | None]]:
    """(role, department) of each session: office, heads of the departments in turn, privacy
    officer, administrator, and round again."""
    departments = [d["code"] for d in read_catalogue("departments")]
    cycle: list[tuple[str, str | None]] = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            cycle.append(("leading_office", "DRC"))
        elif kind == 1:
            cycle.append(("department_head", departments[(i // 4) % len(departments)]))
        elif kind == 2:
            cycle.append(("privacy_officer", "DRC"))
        else:
            cycle.append(("admin", None))
    return cycle


def make_accounts(url: str, sessions: list[tuple[str, str | None]]) -> dict[str, str]:
    """username -> a signed-in session's token, one account per session."""
    engine = get_engine(url)
    tokens: dict[str, str] = {}
    for i, (role, dept) in enumerate(sessions):
        username = f"load_{i:02d}"
        password = "Load-" + secrets.token_urlsafe(12) + "9a"
        try:
            add_user(engine, username, role, password, department_code=dept, actor="benchmark")
        except AccountError as exc:  # exists from an earlier run: a fresh password, active again
            if exc.code != "taken":
                raise
            set_password(engine, username, password, actor="benchmark")
            set_active(engine, username, True, actor="benchmark")
        tokens[username] = open_session(engine, username)
    return tokens


def disable_accounts(url: str, usernames: list[str]) -> None:
    """Disable the load accounts; one that is a database's only administrator cannot be, and is
    left with a password nobody knows (its sessions end with the new password)."""
    engine = get_engine(url)
    for username in usernames:
        try:
            set_active(engine, username, False, actor="benchmark")
        except AccountError as exc:
            if exc.code != "last_admin":
                raise
            unknown = "Gone-" + secrets.token_urlsafe(24) + "9a"
            set_password(engine, username, unknown, actor="benchmark")
            print(f"{username} is the only administrator: kept active with a password nobody knows")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "CREDIT_DB_URL": url},
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"the dashboard did not start; see {log}")


def run_request(page_key: str, base: str) -> bytes:
    """The BackMsg a browser sends to run a page (Chinese, city time zone)."""
    message = BackMsg()
    state = message.rerun_script
    state.query_string = ""
    state.page_name = page_key
    state.context_info.timezone = "Asia/Shanghai"
    state.context_info.locale = "zh-CN"
    state.context_info.url = f"{base}/{page_key}"
    return message.SerializeToString()


async def open_page(ws, page_key: str, base: str, timeout: float) -> tuple[float, str | None]:
    """Run one page; (seconds, error or None)."""
    started = time.perf_counter()
    await ws.send(run_request(page_key, base))
    error: str | None = None
    title, headings = t(f"page.{page_key}", "zh"), set()
    while True:
        forward = ForwardMsg()
        forward.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            if element.WhichOneof("type") == "exception":
                error = "exception"
            elif element.WhichOneof("type") == "alert" and element.alert.format == ERROR_ALERT:
                error = error or "error box"
            elif element.WhichOneof("type") == "heading":
                headings.add(element.heading.body)
        elif kind == "script_finished" and forward.script_finished != RERUN:
            if error is None and title not in headings:  # refused, or sent elsewhere
                error = "title not shown"
            return time.perf_counter() - started, error


async def warm_up(base: str, log: Path, timeout: float) -> None:
    """What a proxy's readiness check (or the first visitor) does to a new process: one sign-in
    page, no account; then wait until the process reports its imports done (ui.warm_up). No
    query runs and no data cache is filled: the sessions still meet empty caches."""
    uri = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(uri, subprotocols=["streamlit"], open_timeout=timeout) as ws:
        await ws.send(run_request("", base))
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
            if forward.WhichOneof("type") == "script_finished":
                break
    deadline = time.perf_counter() + timeout
    while WARM_MESSAGE not in log.read_text(errors="replace"):
        if time.perf_counter() > deadline:
            raise SystemExit(f"the dashboard did not report its warm-up; see {log}")
        await asyncio.sleep(0.2)


async def one_session(
    base: str, token: str, role: str, rounds: int, timeout: float, timings: Timings
) -> None:
    uri = base.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(
        uri, subprotocols=["streamlit"], additional_headers={"Cookie": f"{COOKIE}={token}"},
        max_size=2**28, open_timeout=timeout,
    ) as ws:  # fmt: skip
        for _ in range(rounds):
            for spec in pages_for_role(role):
                name = f"{spec.key} ({role})"
                try:
                    seconds, error = await open_page(ws, spec.key, base, timeout)
                    timings.add(name, seconds, error)
                except (TimeoutError, websockets.WebSocketException) as exc:
                    timings.add(name, None, type(exc).__name__)
                    return


async def run(
    bases: list[str], tokens: dict[str, str], sessions: list[tuple[str, str | None]],
    rounds: int, timeout: float,
) -> Timings:  # fmt: skip
    """Every session at once, session i on server i mod len(bases) (a proxy's sticky sessions)."""
    timings = Timings()
    await asyncio.gather(*[
        one_session(bases[i % len(bases)], tokens[username], role, rounds, timeout, timings)
        for i, (username, (role, _dept)) in enumerate(zip(tokens, sessions, strict=True))
    ])  # fmt: skip
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def report(timings: Timings) -> tuple[str, bool]:
    lines = [
        "| page (role) | views | p50 s | p95 s | max s | errors |",
        "|---|---|---|---|---|---|",
    ]
    ok = True
    for page in sorted(timings.seconds):
        values, errors = timings.seconds[page], timings.errors[page]
        if values:
            p50, p95, top = percentile(values, 50), percentile(values, 95), max(values)
            cells = f"{p50:.2f} | {p95:.2f} | {top:.2f}"
        else:
            p95, cells = float("inf"), "— | — | —"
        problems = ", ".join(sorted(set(errors))) if errors else "0"
        lines.append(f"| {page} | {len(values) + len(errors)} | {cells} | {problems} |")
        if page != "sign-in" and (p95 >= TARGET_P95 or errors):
            ok = False
    every = [v for page, values in timings.seconds.items() if page != "sign-in" for v in values]
    if every:
        lines.append(
            f"| **every page** | {len(every)} | {percentile(every, 50):.2f} | "
            f"{percentile(every, 95):.2f} | {max(every):.2f} | "
            f"{sum(len(e) for p, e in timings.errors.items() if p != 'sign-in')} |"
        )
    return "\n".join(lines), ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database URL (a copy made for benchmarking)")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a page may take")
    parser.add_argument("--check", action="store_true", help="exit 1 unless p95 < 3 s, no error")
    parser.add_argument(
        "--servers", type=int, default=1,
        help="dashboard processes (deploy/README.md: several behind the proxy, sticky sessions)",
    )  # fmt: skip
    parser.add_argument(
        "--fresh", action="store_true",
        help="no warm-up: the sessions meet processes that have not run a script yet",
    )  # fmt: skip
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS or not 1 <= args.rounds <= MAX_ROUNDS:
        parser.error(f"--sessions 1..{MAX_SESSIONS}, --rounds 1..{MAX_ROUNDS}")
    if not 1 <= args.servers <= MAX_SERVERS:
        parser.error(f"--servers 1..{MAX_SERVERS}")
    sessions = roles_in_turn(args.sessions)
    tokens = make_accounts(args.db, sessions)
    (ROOT / "var").mkdir(exist_ok=True)
    logs = [ROOT / "var" / f"load-server-{k}.log" for k in range(args.servers)]
    servers = []
    try:
        for log in logs:
            servers.append(start_server(args.db, log))
        if not args.fresh:
            for (_, base), log in zip(servers, logs, strict=True):
                asyncio.run(warm_up(base, log, args.timeout))
        started = time.perf_counter()
        bases = [base for _, base in servers]
        timings = asyncio.run(run(bases, tokens, sessions, args.rounds, args.timeout))
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=30)
        disable_accounts(args.db, list(tokens))
    table, ok = report(timings)
    print(
        f"{args.sessions} sessions x {args.rounds} rounds on {args.servers} dashboard process(es)"
        f" against {get_engine(args.db).dialect.name} in {time.perf_counter() - started:.0f} s"
        f" (server logs: {ROOT / 'var'}/load-server-*.log)\n"
    )
    print(table)
    print(
        f"\ntarget (p95 < {TARGET_P95:.0f} s on every page, no error): {'met' if ok else 'NOT met'}"
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
