"""Which pages exist, in which section, and which roles may open them.

The page list given to st.navigation is built from this table and the signed-in user's role, so a
page a role may not open is not registered at all (its address does not resolve).
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.i18n import N_


@dataclass(frozen=True)
class PageSpec:
    key: str  # its address; its title is PAGE_TITLES[key]
    path: str  # relative to dashboard.py
    icon: str
    section: str  # one of SECTIONS, named by SECTION_TEXT
    roles: frozenset[str]
    purpose: str  # what the page is for, in a line (for the record and the README)
    # True when the page can show one person's credit data (a lookup): every such view must write
    # a query-log row (tests/test_self_audit.py holds a driver for each such page).
    personal_data: bool = False


ALL = frozenset({"leading_office", "department_head", "privacy_officer", "admin"})

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "overview",
        "pages/overview.py",
        ":material/dashboard:",
        "analysis",
        frozenset({"leading_office", "admin"}),
        "Leading-group overview and department reporting progress",
    ),
    PageSpec(
        "reporting",
        "pages/reporting.py",
        ":material/fact_check:",
        "analysis",
        frozenset({"leading_office", "department_head", "admin"}),
        "Leading-group overview and department reporting progress",
    ),
    PageSpec(
        "coverage",
        "pages/coverage.py",
        ":material/groups:",
        "analysis",
        frozenset({"leading_office", "department_head", "admin"}),
        "Coverage of key professions and key domains",
    ),
    PageSpec(
        "scores",
        "pages/scores.py",
        ":material/workspace_premium:",
        "analysis",
        frozenset({"leading_office", "admin"}),
        "Integrity points: the engine, the lists, and the scores page",
        personal_data=True,  # an administrator's view of one person's ledger
    ),
    PageSpec(
        "oversight",
        "pages/oversight.py",
        ":material/policy:",
        "oversight",
        frozenset({"privacy_officer", "admin"}),
        "Privacy oversight: anomaly detection on the query log and case triage",
    ),
    PageSpec(
        "cases",
        "pages/cases.py",
        ":material/folder_shared:",
        "oversight",
        frozenset({"privacy_officer", "admin"}),
        "Privacy cases: one operator's alerts investigated, decided and acted on",
    ),
    PageSpec(
        "query_points",
        "pages/query_points.py",
        ":material/storefront:",
        "oversight",
        frozenset({"privacy_officer", "admin"}),
        "Query points and accounts: the monthly user-risk review of terminals and operators",
    ),
    PageSpec(
        "subject",
        "pages/subject.py",
        ":material/summarize:",
        "oversight",
        frozenset({"privacy_officer", "admin"}),
        "A person's own report: their records and every lookup of them, on their request",
        personal_data=True,
    ),
    PageSpec(
        "person",
        "pages/person.py",
        ":material/badge:",
        "oversight",
        frozenset({"department_head", "admin"}),
        "Access control, the personal credit file, and the dashboard auditing itself",
        personal_data=True,
    ),
    PageSpec(
        "repair",
        "pages/repair.py",
        ":material/gavel:",
        "work",
        frozenset({"leading_office", "department_head", "admin"}),
        "Objections, credit repair and display periods; departments' data submission",
    ),
    PageSpec(
        "submissions",
        "pages/submissions.py",
        ":material/upload_file:",
        "work",
        frozenset({"department_head", "admin"}),
        "Objections, credit repair and display periods; departments' data submission",
    ),
    PageSpec(
        "supervision",
        "pages/supervision.py",
        ":material/assignment_late:",
        "work",
        frozenset({"leading_office", "department_head", "admin"}),
        "Supervision items: the office follows up late figures with the units until closed",
    ),
    PageSpec(
        "inbox",
        "pages/inbox.py",
        ":material/inbox:",
        "work",
        ALL,
        "Notices: each user's digest of what needs them, and their subscription settings",
    ),
    PageSpec(
        "accounts",
        "pages/accounts.py",
        ":material/manage_accounts:",
        "admin",
        frozenset({"admin"}),
        "Data integrity and accounts: user administration",
    ),
)

SECTIONS = ("analysis", "oversight", "work", "admin")
SECTION_TEXT = {
    "analysis": N_("nav.analysis"),
    "oversight": N_("nav.oversight"),
    "work": N_("nav.work"),
    "admin": N_("nav.admin"),
}
PAGE_TITLES = {
    "overview": N_("page.overview"),
    "reporting": N_("page.reporting"),
    "coverage": N_("page.coverage"),
    "scores": N_("page.scores"),
    "oversight": N_("page.oversight"),
    "cases": N_("page.cases"),
    "query_points": N_("page.query_points"),
    "subject": N_("page.subject"),
    "person": N_("page.person"),
    "repair": N_("page.repair"),
    "submissions": N_("page.submissions"),
    "supervision": N_("page.supervision"),
    "inbox": N_("page.inbox"),
    "accounts": N_("page.accounts"),
}
ROLE_TEXT = {
    "leading_office": N_("role.leading_office"),
    "department_head": N_("role.department_head"),
    "privacy_officer": N_("role.privacy_officer"),
    "admin": N_("role.admin"),
}


def pages_for_role(role: str) -> list[PageSpec]:
    """The pages a role may open, in menu order. An unknown role gets none."""
    return [p for p in PAGES if role in p.roles]


def page_spec(key: str) -> PageSpec:
    return next(p for p in PAGES if p.key == key)
