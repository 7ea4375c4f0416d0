"""What the browser tests share: the accounts (one of each role, known password), Chromium, and
the steps every test takes (sign in, wait for a heading, a screenshot, the session cookie).
Screenshots go to $E2E_SCREENSHOTS, else to var/e2e-screenshots under CI=true (where CI keeps
them), else nowhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

UNDER_CI = os.environ.get("CI") == "true"
if UNDER_CI:  # CI installs Playwright and Chromium (.ci/run): missing them is a failure there
    import playwright.sync_api as playwright_api
else:
    playwright_api = pytest.importorskip("playwright.sync_api")

PROJECT = Path(__file__).resolve().parents[2]
PASSWORD = "E2e-Browser-Pass-2026"
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()),
                None)  # fmt: skip
WAIT_MS = 30_000
# one account of each role (department heads: SAMR)
ACCOUNTS = {
    "e2e_office": ("leading_office", "DRC"),
    "e2e_dept": ("department_head", "SAMR"),
    "e2e_privacy": ("privacy_officer", "DRC"),
    "e2e_admin": ("admin", None),
}


def shot(page, name: str) -> None:
    folder = os.environ.get("E2E_SCREENSHOTS") or (
        str(PROJECT / "var" / "e2e-screenshots") if os.environ.get("CI") == "true" else ""
    )
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page, username: str, password: str) -> None:
    page.get_by_label("用户名").wait_for(timeout=WAIT_MS)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def settled(page) -> None:
    """Wait until the script has finished (Streamlit's running indicator gone): a click while
    a run is still going may be taken by that run and lost."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=WAIT_MS)
    page.wait_for_timeout(300)


def choose(page, box, option: str, typed: bool = False) -> None:
    """Open a select box and pick an option. A rerun that starts as the box is clicked (the
    session cookie written after the first run, a widget's own rerun) closes its list again: the
    box is opened again, up to three times, until the option shows. typed: type the option's name
    to narrow a long list."""
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        box.click()
        if typed:
            page.keyboard.type(option)
        try:
            choice.wait_for(timeout=WAIT_MS // 3)
            break
        except playwright_api.TimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            settled(page)
    choice.click()


def heading(page, text: str) -> None:
    page.get_by_role("heading", name=text).first.wait_for(timeout=WAIT_MS)


def session_cookie(page) -> str | None:
    """The session cookie, once the page's script has written it (a few hundred ms at most)."""
    for _ in range(50):
        found = [c["value"] for c in page.context.cookies() if c["name"] == "zk_session"]
        if found and found[0]:
            return found[0]
        page.wait_for_timeout(200)
    return None
