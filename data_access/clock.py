"""The city's clock: every time the schema stores and the dashboard shows is Zhoukou's wall-clock
time (Asia/Shanghai), naive, to the second, whatever time zone the server runs in (a container's
UTC, an official's laptop)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CITY_TZ = ZoneInfo("Asia/Shanghai")


def city_now() -> dt.datetime:
    """Now in the city: naive, seconds."""
    return dt.datetime.now(CITY_TZ).replace(tzinfo=None, microsecond=0)


def city_today() -> dt.date:
    return dt.datetime.now(CITY_TZ).date()
