"""What makes a lookup authorised, as SQL expressions over the query log joined to the purposes:
the one rule the detector, the query rollups and the oversight evidence share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, true

from data_access.schema import models as m

Q = m.QueryLog.__table__
PU = m.Purpose.__table__


def no_reference(column: Any = Q.c.authorization_ref) -> ColumnElement[bool]:
    """No authorisation reference in the column (missing, or blank)."""
    return or_(column.is_(None), func.trim(column) == "")


def unauthorised(yes: Any = 1, no: Any = 0) -> ColumnElement[Any]:
    """`yes` for a lookup without a known purpose (the purpose table outer-joined), or without
    the reference its purpose needs; `no` otherwise."""
    return case(
        (PU.c.code.is_(None), yes),
        (and_(PU.c.needs_authorization == true(), no_reference()), yes),
        else_=no,
    )


def outside_family(home: Any, home_first: Any, ref_first: Any) -> ColumnElement[bool]:
    """A person taken up under a reference after its first day who is not of the family of its
    first persons: no village on file, or the first day a person of their village came under the
    reference is later than the reference's own (the rule of a borrowed reference, shared by the
    detector and the oversight evidence)."""
    return or_(home.is_(None), home_first > ref_first)
