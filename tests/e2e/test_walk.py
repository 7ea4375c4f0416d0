"""Every role walks every page of its menu in Chromium, in Chinese: the page's title shows, with no
Streamlit exception, no error box, and none of the raw strings an official should never read
(Python's None and nan, "empty", Streamlit's English "Upload", English month names); then once
more in English for the strings that must not be Chinese-only. A screenshot of each page is kept
(tests/e2e/browser.py says where)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import (
    ACCOUNTS,
    PASSWORD,
    WAIT_MS,
    choose,
    heading,
    session_cookie,
    settled,
    shot,
    sign_in,
)
from ui.i18n import t
from ui.navigation import pages_for_role

FORBIDDEN = re.compile(
    r"\b(None|nan|NaN|NaT|empty|Upload|Browse files|per file|"
    r"January|February|March|April|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
)
USERS = {role: username for username, (role, _dept) in ACCOUNTS.items()}


def test_the_forbidden_words_are_words():
    assert FORBIDDEN.search("值为 None") and FORBIDDEN.search("Mar 2026")
    assert not FORBIDDEN.search("Nonetheless 2026-03 noname") and not FORBIDDEN.search("周口")


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_of_the_menu_reads_well(page, server, role, request):
    page.goto(server)
    sign_in(page, USERS[role], PASSWORD)
    page.get_by_role("button", name="退出登录").wait_for(timeout=WAIT_MS)
    assert session_cookie(page)  # a typed address keeps the session from here on
    problems: dict[str, list[str]] = {}
    for spec in pages_for_role(role):
        page.goto(f"{server}/{spec.key}")
        heading(page, t(f"page.{spec.key}", "zh"))
        settled(page)
        shot(page, f"{role}-{spec.key}")
        found = []
        if page.get_by_text("Page not found").count():
            found.append("Streamlit's Page not found dialog")
        if page.locator('[data-testid="stException"]').count():
            found.append("exception")
        if page.locator('[data-testid="stAlertContentError"]').count():
            found.append(
                "error box: "
                + page.locator('[data-testid="stAlertContentError"]').first.inner_text()
            )
        text = page.locator('[data-testid="stMain"]').inner_text() + " " + _grid_text(page)
        found += sorted({m.group(0) for m in FORBIDDEN.finditer(text)})
        if request.node.callspec.params.get("server") == "sqlite":  # the tabs show the same on both
            found += _hidden_tabs_problems(page, f"{role}-{spec.key}")
        if found:
            problems[spec.key] = found
    assert problems == {}


def _grid_text(page) -> str:
    """The cells of every table: st.dataframe draws on a canvas, and its text (a "None" among
    it) is only in the grid's accessibility table."""
    cells = page.locator('[data-testid="stDataFrame"] table').locator("th, td")
    return " ".join(cells.all_text_contents())


def _hidden_tabs_problems(page, name: str) -> list[str]:
    """Open every tab after the first (their charts draw their axes only when shown) and read it
    like the page: raw values and English month names are found where they hide."""
    found: list[str] = []
    tabs = page.get_by_role("tab")
    for i in range(1, tabs.count()):
        tab = tabs.nth(i)
        if not tab.is_visible():
            continue
        tab.click()
        page.wait_for_timeout(700)
        panel = page.get_by_role("tabpanel").filter(visible=True)
        text = " ".join(panel.nth(k).inner_text() for k in range(panel.count()))
        text += " " + _grid_text(page)
        # chart ticks are SVG text, not in inner_text
        text += " " + " ".join(
            page.locator(".main-svg text").filter(visible=True).all_text_contents()
        )
        found += [f"tab {i}: {m.group(0)}" for m in FORBIDDEN.finditer(text)]
        if page.locator('[data-testid="stException"]').count():
            found.append(f"tab {i}: exception")
        shot(page, f"{name}-tab{i}")
    return sorted(set(found))


RAW = re.compile(r"\b(None|nan|NaN|NaT|empty)\b")


# the language is the session's, not the engine's: these two run on SQLite alone (the walk above
# reads every page on both engines)
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
@pytest.mark.parametrize("role", ["leading_office", "department_head"])
def test_the_english_toggle_holds_through_the_menu(page, server, role):
    """Switched to English in the sidebar, the pages of the menu (clicked, the same session) show
    English titles and no raw values."""
    page.goto(server)
    sign_in(page, USERS[role], PASSWORD)
    page.get_by_role("button", name="退出登录").wait_for(timeout=WAIT_MS)
    # the sidebar's toggle: the sign-in form's own may still be on the way out
    page.get_by_test_id("stSidebarUserContent").get_by_text("English", exact=True).click()
    page.get_by_role("button", name="Sign out").wait_for(timeout=WAIT_MS)
    problems: dict[str, list[str]] = {}
    for spec in pages_for_role(role):
        title = t(f"page.{spec.key}", "en")
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title).click()
        heading(page, title)
        settled(page)
        shot(page, f"{role}-{spec.key}-en")
        text = page.locator('[data-testid="stMain"]').inner_text()
        found = sorted({m.group(0) for m in RAW.finditer(text)})
        if page.locator('[data-testid="stException"]').count():
            found.append("exception")
        if found:
            problems[spec.key] = found
    assert problems == {}


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_english_chosen_just_before_a_page_link_stays(page, server):
    """The toggle clicked and, before its run has finished, a page link: the next page and the
    one after it are still in English (the choice is kept apart from the widget's own state)."""
    page.goto(server)
    sign_in(page, USERS["leading_office"], PASSWORD)
    page.get_by_role("button", name="退出登录").wait_for(timeout=WAIT_MS)
    sidebar = page.locator('[data-testid="stSidebar"]')
    page.get_by_test_id("stSidebarUserContent").get_by_text("English", exact=True).click()
    either = re.compile(f"^({t('page.reporting', 'zh')}|{t('page.reporting', 'en')})$")
    sidebar.get_by_role("link", name=either).click()  # whichever is drawn: no wait for the run
    page.get_by_role("button", name="Sign out").wait_for(timeout=WAIT_MS)
    sidebar.get_by_role("link", name=t("page.coverage", "en")).click()
    heading(page, t("page.coverage", "en"))
    settled(page)
    assert sidebar.get_by_role("link", name=t("page.reporting", "en")).count() == 1


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_the_choices_on_a_page_hold_through_the_english_toggle(page, server):
    """On the oversight page, with a county chosen in the sidebar, the toggle to English keeps
    every choice as its code: the status filter's two statuses and the county (now by its English
    name). The browser sends a choice back as the name it showed; looked up among the other
    language's names, a status once failed the page."""
    page.goto(server)
    sign_in(page, USERS["privacy_officer"], PASSWORD)
    page.get_by_role("button", name="退出登录").wait_for(timeout=WAIT_MS)
    page.goto(f"{server}/oversight")
    heading(page, t("page.oversight", "zh"))
    settled(page)
    sidebar = page.get_by_test_id("stSidebarUserContent")
    choose(page, sidebar.get_by_role("combobox").last, "川汇区")  # the global filters' counties
    page.keyboard.press("Escape")
    settled(page)
    sidebar.get_by_text("English", exact=True).click()
    page.get_by_role("button", name="Sign out").wait_for(timeout=WAIT_MS)
    heading(page, t("page.oversight", "en"))
    settled(page)
    shot(page, "privacy_officer-oversight-after-toggle-en")
    assert not page.locator('[data-testid="stException"]').count()
    assert not page.locator('[data-testid="stAlertContentError"]').count()
    main = page.locator('[data-testid="stMain"]')

    def lines(widget) -> list[str]:
        return [x.strip() for x in widget.first.inner_text().split("\n") if x.strip()]

    assert lines(main.get_by_test_id("stMultiSelect"))[:3] == ["Status", "Open", "Escalated"]
    assert "Chuanhui District" in lines(sidebar.get_by_test_id("stMultiSelect"))
