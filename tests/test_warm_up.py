"""ui.warm_up: a fresh dashboard process imports what the pages need once, in the background."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_service_and_the_page_libraries_are_warmed():
    from ui import warm_up

    names = warm_up.modules()
    assert {"pandas", "plotly.express", "polars"} <= set(names)
    services = {p.stem for p in (ROOT / "services").glob("*.py") if p.stem != "__init__"}
    assert {f"services.{s}" for s in services} <= set(names)


def test_a_fresh_process_warms_once_and_says_so():
    """Two calls, one thread: the modules are imported and one line is printed."""
    code = (
        "import sys\n"
        "from ui import warm_up\n"
        "assert 'services.repair' not in sys.modules\n"
        "warm_up.start_once(); warm_up.start_once()\n"
        "assert warm_up.done.wait(120)\n"
        "assert 'services.repair' in sys.modules and 'plotly.express' in sys.modules\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=180)  # fmt: skip
    assert run.returncode == 0, run.stderr
    warm_lines = [line for line in run.stdout.splitlines() if line.startswith("dashboard warm:")]
    assert len(warm_lines) == 1, run.stdout
