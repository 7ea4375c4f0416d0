"""The city's clock (data_access.clock): Zhoukou's wall-clock time whatever the process's time
zone, as every stored time and every 'today' of the dashboard and the nightly jobs count it."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from data_access.clock import city_now, city_today


@pytest.fixture
def process_zone():
    """Run under another process time zone, then restore it."""
    before = os.environ.get("TZ")

    def use(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield use
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Shanghai"])
def test_the_city_clock_ignores_the_servers_time_zone(process_zone, zone):
    process_zone(zone)
    utc = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    now = city_now()
    assert abs(now - (utc + dt.timedelta(hours=8))) < dt.timedelta(seconds=5)
    assert now.tzinfo is None and now.microsecond == 0
    assert city_today() in {(utc + dt.timedelta(hours=8, seconds=s)).date() for s in (-5, 0, 5)}
