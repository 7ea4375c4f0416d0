"""A signed-in user's data scope: what rows their queries may touch.

Every query function that reads personal or departmental data takes a Scope and restricts rows in
SQL. A Scope is a small frozen value, so it is part of every cache key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from data_access.models import ROLES


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
        return self.role in ("leading_office", "admin")

    def cache_key(self) -> tuple[str, str]:
        return (self.role, self.department_code or "")
