"""A supervision item (督办) in the browser: the leading-group office opens it from a late or
missing delivery of the market regulator on the reporting board, the department head answers it
with a PDF as evidence, the office accepts it, and the overview counts it closed. Screenshots of
each step (tests/e2e/browser.py says where)."""

from __future__ import annotations

from tests.e2e.browser import PASSWORD, WAIT_MS, choose, heading, settled, shot, sign_in
from ui.i18n import t

EVIDENCE = b"%PDF-1.4\n% e2e evidence\n%%EOF\n"


def zh(key: str, **values) -> str:
    return t(key, "zh", **values)


def _signed_in(browser, server, username: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(server)
    sign_in(page, username, PASSWORD)
    page.get_by_role("button", name="退出登录").wait_for(timeout=WAIT_MS)
    return context, page


def _problems(page) -> list[str]:
    found = []
    if page.locator('[data-testid="stException"]').count():
        found.append("exception")
    if page.locator('[data-testid="stAlertContentError"]').count():
        found.append(page.locator('[data-testid="stAlertContentError"]').first.inner_text())
    return found


def test_the_office_finds_the_form_under_each_figure(browser, server):
    """Under the repair page's overdue list and the coverage page's worst cells, the office finds
    the form with the figure's facts in words (no item is opened here)."""
    context, page = _signed_in(browser, server, "e2e_office")
    for address, title, tab, pick in (
        ("repair", "page.repair", "repair.tab.overdue", "sv.pick_repair"),
        ("coverage", "page.coverage", "cov.tab.counties", "sv.pick_coverage"),
    ):
        page.goto(f"{server}/{address}")
        heading(page, zh(title))
        settled(page)
        page.get_by_role("tab", name=zh(tab)).click()
        page.get_by_text(zh(pick)).wait_for(timeout=WAIT_MS)
        form = page.get_by_role("button", name=zh("sv.open.submit"))
        form.scroll_into_view_if_needed()
        shot(page, f"supervision-0-form-on-{address}")
        assert form.count() == 1 and _problems(page) == []
    context.close()


def test_open_answer_accept_in_the_browser(browser, server, tmp_path):
    samr = "市市场监督管理局"
    # 1. the office, on the reporting board's unit detail, supervises a SAMR delivery
    context, page = _signed_in(browser, server, "e2e_office")
    page.goto(f"{server}/reporting")
    heading(page, zh("page.reporting"))
    settled(page)  # a click during the first run can be lost to its rerun
    page.get_by_role("tab", name=zh("reporting.tab.drill")).click()
    # the list is long: typed, it keeps the one unit
    choose(page, page.get_by_label(zh("reporting.drill_unit")), samr, typed=True)
    settled(page)
    page.get_by_text(zh("sv.open.title", unit=samr)).wait_for(timeout=WAIT_MS)
    settled(page)
    page.get_by_role("button", name=zh("sv.open.submit")).click()
    page.get_by_text(zh("sv.open.done", item=1, unit=samr)).wait_for(timeout=WAIT_MS)
    shot(page, "supervision-1-opened-on-the-board")
    assert _problems(page) == []
    context.close()

    # 2. the SAMR department head answers with a PDF
    context, page = _signed_in(browser, server, "e2e_dept")
    page.goto(f"{server}/supervision")
    heading(page, zh("page.supervision"))
    settled(page)
    page.get_by_label(zh("sv.reply")).fill(
        "已补报该期数据，逾期原因为系统对接调整，已建立按月核对机制。"
    )
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(EVIDENCE)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(evidence))
    page.get_by_text("整改报告.pdf").first.wait_for(timeout=WAIT_MS)
    shot(page, "supervision-2-answer-filled")
    assert not page.get_by_text("Press Ctrl+Enter").first.is_visible()  # the English hint hidden
    page.get_by_role("button", name=zh("sv.answer_submit")).click()
    page.get_by_text(zh("sv.answered_done", item=1)).wait_for(timeout=WAIT_MS)
    settled(page)
    shot(page, "supervision-3-answered")
    assert _problems(page) == []
    context.close()

    # 3. the office reads the answer and its evidence, and accepts
    context, page = _signed_in(browser, server, "e2e_office")
    page.goto(f"{server}/supervision")
    heading(page, zh("page.supervision"))
    settled(page)
    page.get_by_role("button", name=zh("sv.evidence_download", name="整改报告.pdf")).wait_for(
        timeout=WAIT_MS
    )
    shot(page, "supervision-4-office-reviews")
    page.get_by_role("button", name=zh("sv.accept")).click()
    page.get_by_text(zh("sv.accepted_done", item=1)).wait_for(timeout=WAIT_MS)
    assert _problems(page) == []

    # 4. the overview counts it closed
    page.goto(f"{server}/overview")
    heading(page, zh("page.overview"))
    settled(page)
    closed = page.locator('[data-testid="stMetric"]').filter(has_text=zh("overview.sv_closed"))
    assert closed.locator('[data-testid="stMetricValue"]').inner_text().strip() == "1"
    shot(page, "supervision-5-overview")
    context.close()
