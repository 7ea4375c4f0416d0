"""A signed-in user's data scope, and the one policy that turns it into SQL conditions.

Every query that reads personal or departmental data takes a `Scope` and restricts rows in SQL
through the methods below; no other module decides what a role may read. A Scope is a small
frozen value, so it is part of every cache key.

The policy (`POLICY`) is a table: for each subject, what each role reads.
- ALL: every department's rows;
- OWN: the rows of the user's own department (a department head; no department: no rows);
- NOTHING: the subject reads as empty (the privacy officer on the coverage page's figures);
- a role not listed may not read the subject at all: PermissionError.
Counties are never a scope: every role that may read a subject reads all ten county-level units,
and a county choice is a filter that only narrows.

Subjects and the columns that carry their department:
- coverage: professions (responsible_dept), domains (lead_dept), rosters and records through them;
- reporting: catalogue items and deliveries (dept_code), the reporting units;
- repair: objection and repair applications (handling_dept), credit records (source_dept);
- city: the overview and the integrity points (city-wide figures only);
- oversight: the query log, alerts and operators;
- person_files: persons, through their roster memberships, records and applications;
- subject_reports: one person's own report (their displayed records, every lookup of them), made
  by a privacy officer on the person's request;
- submissions: catalogue items a user may deliver (dept_code);
- points_ledgers: one person's points ledger (administrators);
- points_policy: saving a new version of the points policy (administrators);
- accounts: dashboard users;
- operations: starting the scheduled jobs from the dashboard (the job record itself is city);
- supervision: supervision items (督办), their history and evidence (unit_code: a department's
  items are its own; county units' items only the city roles read);
- supervision_office: opening, accepting and returning an item (the leading-group office);
- supervision_reply: answering an item with evidence (the department head, their own items);
- notices: a user's own inbox and digest subscription (every role; always restricted to the
  signed-in user's name, never to a department: no one reads another's messages). What a digest
  says is read with the recipient's own Scope through the subjects above.
- privacy_cases: privacy cases (the investigation of one operator's alerts), their history,
  evidence and the operator's access status (privacy officers and administrators, every case);
- operator_access: lifting an operator's suspended access (administrators).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, or_, select, true

from data_access.schema import models as m
from data_access.schema.models import ROLES
from data_access.schema.supervision_models import SupervisionItem

ALL, OWN, NOTHING = "all", "own", "nothing"
CITY_ROLES = {"leading_office": ALL, "admin": ALL}

POLICY: dict[str, dict[str, str]] = {
    "coverage": {**CITY_ROLES, "department_head": OWN, "privacy_officer": NOTHING},
    "reporting": {**CITY_ROLES, "department_head": OWN},
    "repair": {**CITY_ROLES, "department_head": OWN},
    "city": dict(CITY_ROLES),
    "oversight": {"privacy_officer": ALL, "admin": ALL},
    "person_files": {"admin": ALL, "department_head": OWN},
    "subject_reports": {"privacy_officer": ALL, "admin": ALL},
    "submissions": {"admin": ALL, "department_head": OWN},
    "points_ledgers": {"admin": ALL},
    "points_policy": {"admin": ALL},
    "accounts": {"admin": ALL},
    "operations": {"admin": ALL},
    "supervision": {**CITY_ROLES, "department_head": OWN},
    "supervision_office": dict(CITY_ROLES),
    "supervision_reply": {"admin": ALL, "department_head": OWN},
    "notices": {**CITY_ROLES, "department_head": ALL, "privacy_officer": ALL},
    "privacy_cases": {"privacy_officer": ALL, "admin": ALL},
    "operator_access": {"admin": ALL},
}
SUBJECT_TEXT = {
    "coverage": "coverage figures",
    "reporting": "reporting progress",
    "repair": "objections and repairs",
    "city": "the city overview and the integrity points",
    "oversight": "query oversight",
    "person_files": "personal credit files",
    "subject_reports": "a person's own report of their records and lookups",
    "submissions": "catalogue data submissions",
    "points_ledgers": "a person's points ledger",
    "points_policy": "saving a points policy version",
    "accounts": "dashboard accounts",
    "operations": "starting scheduled jobs",
    "supervision": "supervision items",
    "supervision_office": "opening and closing supervision items",
    "supervision_reply": "answering supervision items",
    "notices": "one's own messages and digest subscription",
    "privacy_cases": "privacy cases",
    "operator_access": "lifting an operator's suspension",
}


@dataclass(frozen=True)
class Scope:
    role: str
    department_code: str | None = None

    @classmethod
    def from_user(cls, user: Mapping[str, object]) -> Scope:
        role = str(user.get("role", ""))
        if role not in ROLES:
            raise PermissionError(f"unknown role {role!r}")
        dept = user.get("department_code") or None
        if role == "department_head" and not dept:
            raise PermissionError("a department head must belong to a department")
        return cls(role, str(dept) if dept else None)

    @property
    def sees_all_departments(self) -> bool:
        return self.role in CITY_ROLES

    def cache_key(self) -> tuple[str, str]:
        return (self.role, self.department_code or "")

    # ------------------------------------------------------------------ the policy, per subject

    def access(self, subject: str) -> str:
        """ALL, OWN or NOTHING for this subject; PermissionError if the role may not read it."""
        granted = POLICY[subject].get(self.role)
        if granted is None:
            raise PermissionError(f"role {self.role} may not read {SUBJECT_TEXT[subject]}")
        return granted

    def may_read(self, subject: str) -> bool:
        return self.role in POLICY[subject]

    def require(self, subject: str) -> None:
        """PermissionError unless the role may read the subject."""
        self.access(subject)

    def department(self, subject: str) -> str | None:
        """The department a subject's rows are restricted to: None = every department, else the
        user's own. PermissionError where the role may not read it or reads nothing of it, and
        for a department head without a department (never read as 'every department')."""
        granted = self.access(subject)
        if granted == ALL:
            return None
        if granted == OWN and self.department_code:
            return self.department_code
        raise PermissionError(f"role {self.role} has no department's {SUBJECT_TEXT[subject]}")

    def department_condition(self, subject: str, column) -> ColumnElement[bool]:
        """The WHERE condition on a department column: every row, the own department's, or none."""
        granted = self.access(subject)
        if granted == ALL:
            return true()
        if granted == OWN and self.department_code:
            return column == self.department_code
        return false()

    def covers(self, subject: str, department_code: str | None) -> bool:
        """Whether a row of this department is within the scope of the subject (never raises)."""
        granted = POLICY[subject].get(self.role)
        if granted == ALL:
            return True
        return (
            granted == OWN
            and bool(self.department_code)
            and self.department_code == department_code
        )

    def acting_department(self, subject: str, requested: str | None) -> str | None:
        """The department a user acts for when they name one (None: every department, only for
        a role that reads all). A department head naming another department: PermissionError."""
        own = self.department(subject)
        if own is None:
            return requested
        if requested not in (None, own):
            raise PermissionError(f"role {self.role} may not act for department {requested}")
        return own

    # ------------------------------------------------------------------ subjects' conditions

    def profession_condition(self) -> ColumnElement[bool]:
        return self.department_condition("coverage", m.Profession.responsible_dept)

    def domain_condition(self) -> ColumnElement[bool]:
        return self.department_condition("coverage", m.Domain.lead_dept)

    def application_condition(self) -> ColumnElement[bool]:
        return self.department_condition("repair", m.Application.handling_dept)

    def supervision_condition(self, subject: str = "supervision") -> ColumnElement[bool]:
        """The supervision items a user may read (or, with subject supervision_reply, answer)."""
        return self.department_condition(subject, SupervisionItem.unit_code)

    def person_condition(self, id_column=m.Person.id_number) -> ColumnElement[bool]:
        """The persons whose credit file the user may open, as a condition on an ID-number column:
        everyone for an administrator; for a department head the persons with a roster membership
        in a profession the department answers for, a credit record it reported, or an objection
        or repair application it handles."""
        if self.access("person_files") == ALL:
            return true()
        dept = self.department_code
        if not dept:
            return false()
        roster = exists().where(
            m.RosterEntry.id_number == id_column,
            m.RosterEntry.profession_code.in_(
                select(m.Profession.code).where(m.Profession.responsible_dept == dept)
            ),
        )
        records = exists().where(
            m.CreditRecord.id_number == id_column, m.CreditRecord.source_dept == dept
        )
        applications = exists().where(
            m.Application.id_number == id_column, m.Application.handling_dept == dept
        )
        return or_(roster, records, applications)
