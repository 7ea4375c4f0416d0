"""Data submission (the submissions page): the catalogue items a user may deliver, the period to
deliver, checking a file row by row, accepting it whole, the recent deliveries. Never cached;
an accepted delivery clears the cached figures it changes (services.refresh)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.engine import DatabaseBusy, get_engine
from data_access.imports import submission_upload as su
from data_access.imports.submission_files import MAX_UPLOAD_BYTES
from data_access.imports.submission_upload import (
    Delivery,
    DeliveryReport,
    Item,
    period_bounds,
    period_choices,
    template_csv,
)
from data_access.imports.validators import kind_spec
from data_access.scope import Scope
from services.base import service, transform
from services.refresh import forget_after_delivery

__all__ = [
    "MAX_UPLOAD_BYTES", "DatabaseBusy", "Delivery", "DeliveryReport", "Item", "period_bounds",
    "period_choices", "template_csv",
]  # fmt: skip


@transform
def columns_of(import_kind: str) -> list[str]:
    """The columns a file of this import kind has (the contract's order)."""
    return list(kind_spec(import_kind).column_names)


@service("submissions", cached=False)
def items(url: str, scope: Scope, dept_code: str | None = None) -> list[Item]:
    """The catalogue items the user may deliver (one department's, or all for an admin)."""
    return su.items_in_scope(get_engine(url), scope, dept_code)


@service("submissions", cached=False)
def delivered_periods(url: str, scope: Scope, item: Item) -> dict[str, dt.datetime]:
    return su.delivered_periods(get_engine(url), scope, item)


@service("submissions", cached=False)
def default_period(url: str, scope: Scope, item: Item, today: dt.date) -> str:
    return su.default_period(get_engine(url), scope, item, today)


@service("submissions", cached=False)
def validate(
    url: str,
    scope: Scope,
    item_code: str,
    period: str,
    file_name: str,
    content: bytes,
    *,
    today: dt.date | None = None,
    nil_return: bool = False,
) -> DeliveryReport:
    """Check a file as it would be accepted, writing nothing."""
    return su.validate_delivery(get_engine(url), scope, item_code, period, file_name, content,
                                today=today, nil_return=nil_return)  # fmt: skip


@service("submissions", cached=False)
def accept(
    url: str,
    scope: Scope,
    item_code: str,
    period: str,
    file_name: str,
    content: bytes,
    *,
    nil_return: bool = False,
    username: str = "",
    import_kind: str | None = None,
) -> Delivery:
    """Accept the file as the period's delivery (whole or not at all); on success every cached
    figure the delivery changes is cleared, so every page counts it at once."""
    delivery = su.accept_delivery(get_engine(url), scope, item_code, period, file_name, content,
                                  nil_return=nil_return, username=username)  # fmt: skip
    if delivery.accepted:
        forget_after_delivery(None if nil_return else import_kind)
    return delivery


@service("submissions", cached=False)
def recent(url: str, scope: Scope, dept_code: str | None = None, limit: int = 50) -> pd.DataFrame:
    return su.recent_submissions(get_engine(url), scope, dept_code, limit)
