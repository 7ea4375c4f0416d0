"""Benchmark: render every page for every role that may open it, on an existing database.

    python benchmarks/pages.py --db URL [--as-of YYYY-MM-DD] [--page repair] [--role admin]

--as-of defaults to the city's date (data_access.clock), the date the nightly rollups are for.

Each page is rendered through Streamlit's AppTest exactly as a signed-in user would meet it
(dashboard.py first, then the page): once with empty caches ("first") and once more in the same
process ("cached", the st.cache_data results of the first run reused). Prints a Markdown table of
seconds and whether the page raised or showed an error. The personal file page is measured up to
its search form: opening a file writes a query-log row, and a benchmark writes nothing but
what any first view writes (a missing coverage rollup, data_access.queries.coverage_rollup).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from data_access.clock import city_today  # noqa: E402
from ui.navigation import PAGES  # noqa: E402

# AppTest runs scripts in its own thread; Streamlit warns about the missing context once per cache
# call. Harmless here, and it would bury the table.
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: "missing ScriptRunContext" not in record.getMessage()
)

USERS = {
    "leading_office": {"username": "leading_office", "role": "leading_office",
                       "department_code": "DRC"},
    "department_head": {"username": "dept_samr", "role": "department_head",
                        "department_code": "SAMR"},
    "privacy_officer": {"username": "privacy_officer", "role": "privacy_officer",
                        "department_code": "DRC"},
    "admin": {"username": "admin", "role": "admin", "department_code": None},
}  # fmt: skip


def serve_navigation() -> None:
    """Run pages as a live server does after its first run (st.navigation, not the pages/ folder)."""
    original_init = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def render(page: str, user: dict, as_of: dt.date, timeout: float) -> tuple[float, list[str]]:
    """Seconds to render the page for the user, and the exceptions and errors it showed."""
    start = time.perf_counter()
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
    app.session_state["user"] = user
    app.session_state["lang"] = "zh"
    app.session_state["filter_as_of"] = as_of
    app.run()
    app.switch_page(page).run()
    seconds = time.perf_counter() - start
    problems = [str(e.value)[:80] for e in app.exception] + [str(e.value)[:80] for e in app.error]
    return seconds, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", required=True, help="database URL (read; only missing coverage rollups are written)"
    )
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=city_today())
    parser.add_argument("--page", action="append", help="page file stem, e.g. repair (repeatable)")
    parser.add_argument("--role", action="append", choices=sorted(USERS))
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per render")
    args = parser.parse_args(argv)

    os.environ["CREDIT_DB_URL"] = args.db
    serve_navigation()
    print("| page | role | first s | cached s | problems |")
    print("|---|---|---|---|---|")
    failed = 0
    for spec in PAGES:
        stem = Path(spec.path).stem
        if args.page and stem not in args.page:
            continue
        for role, user in USERS.items():
            if role not in spec.roles or (args.role and role not in args.role):
                continue
            first, problems = render(spec.path, user, args.as_of, args.timeout)
            cached, again = render(spec.path, user, args.as_of, args.timeout)
            shown = "; ".join(problems + again) or "none"
            failed += bool(problems or again)
            print(f"| {stem} | {role} | {first:.2f} | {cached:.2f} | {shown} |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
