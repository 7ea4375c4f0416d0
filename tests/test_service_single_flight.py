"""services.base under load: sessions asking a cached service the same question at once compute it
once (st.cache_data takes a lock per cached value: the load figures in the README rely on it, so
an upgrade of Streamlit that dropped it would show here), and other questions do not wait."""

from __future__ import annotations

import threading
import time

from data_access.scope import Scope
from services.base import service

CALLS: list[tuple] = []


@service("repair")
def slow_answer(url: str, scope: Scope, year: int) -> int:
    CALLS.append((url, year))
    time.sleep(0.4)
    return year * 2


def _at_once(*questions: tuple) -> tuple[list[int], float]:
    answers: list[int] = []
    started = time.perf_counter()
    threads = [threading.Thread(target=lambda q=q: answers.append(slow_answer(*q)))
               for q in questions]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return answers, time.perf_counter() - started


def test_the_same_question_at_once_is_computed_once():
    slow_answer.clear()
    CALLS.clear()
    office = Scope("leading_office")
    answers, _ = _at_once(*[("sqlite:///x.db", office, 2026)] * 3)
    assert answers == [4052, 4052, 4052]
    assert CALLS == [("sqlite:///x.db", 2026)]


def test_different_questions_do_not_wait_for_each_other():
    slow_answer.clear()
    CALLS.clear()
    office, head = Scope("leading_office"), Scope("department_head", "EDU")
    answers, seconds = _at_once(("sqlite:///x.db", office, 2025), ("sqlite:///x.db", head, 2025),
                                ("sqlite:///x.db", office, 2024))  # fmt: skip
    assert sorted(answers) == [4048, 4050, 4050]
    assert len(CALLS) == 3  # another scope is another question: computed for it
    assert seconds < 1.0  # at once, not one after the other (3 x 0.4 s)
