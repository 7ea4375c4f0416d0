"""A reason is never shown in two pieces (found on the oversight page, 2026-12-07).

The store joins an alert's reasons with "；" (Chinese) or "; " (English) and the page splits them
there (ui.alert_reasons). The streak's, the dormant account's and the covered county's reasons,
and the watch-list baseline's words, had such a separator inside: the page showed half a
reason as a reason of its own. Those texts now use commas and colons, and the store (and the
command line's --out) turns any separator inside a reason into a comma, so a future text cannot
do it again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from data_access.schema import models as m
from scoring.anomaly import Alert
from scoring.anomaly_peers import LEVEL_WORDS
from scoring.anomaly_reasons import _streak_reason
from scoring.anomaly_store import (
    REASON_SEPARATOR_EN,
    REASON_SEPARATOR_ZH,
    joined_reasons,
    store_alerts,
)
from ui.alert_reasons import reasons

DAY = dt.date(2026, 11, 16)


def test_a_separator_inside_a_reason_becomes_a_comma():
    zh = joined_reasons(["整个时段：甲；乙", "时间窗内：丙"], REASON_SEPARATOR_ZH)
    en = joined_reasons(["Over the range: a; b", "In the window: c"], REASON_SEPARATOR_EN)
    assert zh == "整个时段：甲，乙；时间窗内：丙"
    assert en == "Over the range: a, b; In the window: c"
    assert reasons(zh, "zh") == ["整个时段：甲，乙", "时间窗内：丙"]
    assert reasons(en, "en") == ["Over the range: a, b", "In the window: c"]


def test_stored_reasons_read_back_one_for_one(engine):
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), [{"operator_id": "psb0001", "name": "测试员",
                     "department_code": "PSB", "role": "officer", "county_code": "411602"}])  # fmt: skip
    start = dt.datetime.combine(DAY, dt.time())
    alert = Alert("psb0001", start, start + dt.timedelta(days=7), 9.5,
                  ["整个时段：甲；乙", "时间窗内：丙", "丁"],
                  ["Over the range: a; b", "In the window: c", "d"], ["kin", "hours", "days"])  # fmt: skip
    store_alerts(engine, [alert], DAY, DAY + dt.timedelta(days=6))
    with engine.connect() as conn:
        zh, en = conn.execute(select(m.Alert.reasons_zh, m.Alert.reasons_en)).one()
    assert reasons(zh, "zh") == ["整个时段：甲，乙", "时间窗内：丙", "丁"]
    assert reasons(en, "en") == ["Over the range: a, b", "In the window: c", "d"]


def test_the_texts_that_had_a_separator_inside_have_none():
    row = {"streak": 6, "streak_n": 40, "streak_hours": 300, "streak_p": 0.05, "streak_peer": 2.5}
    zh, en = _streak_reason(row, 0.01)
    assert "；" not in zh and "; " not in en, (zh, en)
    assert "（同组人员的最长连续时段通常得分 2.5，已扣除）" in zh
    assert en.endswith(" (the peers' longest runs usually score 2.5, deducted)")
    for words_zh, words_en in LEVEL_WORDS.values():
        assert "；" not in words_zh and "; " not in words_en, (words_zh, words_en)
