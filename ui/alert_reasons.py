"""How an alert's reasons read on screen. The detector writes them strongest first, joined by "；"
(Chinese) or "; " (English), each as "horizon: finding, comparison with the baseline". The queue
shows the strongest finding's headline, the detail every reason in full."""

from __future__ import annotations

import re

SEPARATOR = {"zh": "；", "en": "; "}
# "整个时段：" / "时间窗内：" / "Over the range: " / "In the window: " (the window column says it)
_HORIZON = re.compile(r"^\s*[^：:，,；;]{1,20}[：:]\s*")
_CLAUSE = {"zh": "，", "en": ", "}
# the total the count is out of, "（时间窗内共 400 次）" / " (of 400)": the detail gives it
_OUT_OF = re.compile(r"\s*(（[^（）]*共[^（）]*）|\(of [^()]*\))$")


def reasons(text: object, language: str) -> list[str]:
    """Every reason of an alert, strongest first."""
    return [r for r in str(text or "").split(SEPARATOR.get(language, "; ")) if r.strip()]


def headline(text: object, language: str) -> str:
    """The strongest reason's finding without its horizon and its comparison: "与本人同姓同村（社区）
    的居民 13 位" of "整个时段：与本人同姓同村（社区）的居民 13 位，占其全部查询对象……"."""
    found = reasons(text, language)
    if not found:
        return ""
    first = _HORIZON.sub("", found[0], count=1)
    return _OUT_OF.sub("", first.split(_CLAUSE.get(language, ", "))[0]).strip()
