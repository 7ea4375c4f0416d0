"""The digests' text lookup (jobs/digest_text.py, gettext domain `digest`): strict lookups, the
language of a subscriber, and the mappings of codes to keys in jobs/digest.py.

That code, catalogues (jobs/locale) and compiled catalogues are in step, with the same
placeholders in both languages and no key built at run time, is checked with the interface's
messages, by the domain-parametrised tests of test_i18n.py.
"""

from __future__ import annotations

import logging

import pytest

from data_access.schema.job_models import JOB_NAMES
from data_access.schema.models import APPLICATION_KINDS
from data_access.schema.notice_models import FREQUENCIES
from data_access.schema.supervision_models import SUPERVISION_SOURCES, SUPERVISION_STATUSES
from jobs import digest
from jobs.digest_text import DOMAIN, LOCALE_DIR, N_, locale_of, message, w
from tests.test_i18n import DIGEST


def test_the_digest_domain_is_the_one_the_tests_check():
    assert (DOMAIN, LOCALE_DIR) == (DIGEST.name, DIGEST.locale_dir)
    assert (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "digest.mo").is_file()
    assert (LOCALE_DIR / "en" / "LC_MESSAGES" / "digest.mo").is_file()


def test_texts_and_placeholders():
    assert w("daily", "zh") == "每日摘要" and w("daily", "en") == "Daily digest"
    assert w("more", "en", n=3) == "... and 3 more"
    assert w("more", "zh", n=3) == "……另有 3 项"
    assert message("v.returned", "en") == " (returned, answer again)"  # the leading space kept
    assert w("subject", "zh", kind="每周摘要", day="2026-04-10", n=2) == (
        "【周口市信用平台】每周摘要 2026-04-10：2 项需要您关注"
    )
    assert message("j.failed", "en") == "{job}: last run failed ({at}): {message}"


def test_anything_but_english_reads_chinese():
    assert locale_of("en") == "en"
    assert locale_of("zh") == locale_of("fr") == locale_of("") == "zh_CN"
    assert w("never", "fr") == "从未"


def test_mappings_name_every_code():
    assert set(digest.FREQUENCY_TEXT) == set(FREQUENCIES) - {"off"}  # "off" gets no digest
    assert set(digest.KIND_TEXT) == set(APPLICATION_KINDS)
    assert set(digest.WHAT_TEXT) == {"decision", "answer"}
    assert set(digest.SOURCE_TEXT) == set(SUPERVISION_SOURCES)
    assert set(digest.STATUS_TEXT) == set(SUPERVISION_STATUSES)
    assert set(digest.JOB_TEXT) == set(JOB_NAMES)


def test_the_marker_only_marks():
    assert N_("daily") == "daily"


# --------------------------------------------------------------------------- missing keys


def test_a_missing_key_raises_under_strict_mode(monkeypatch):
    monkeypatch.setenv("I18N_STRICT", "1")
    with pytest.raises(KeyError, match="no.such.key"):
        w("no.such.key", "zh")
    with pytest.raises(KeyError, match="no.such.key"):
        w("no.such.key", "en", n=1)


def test_a_missing_key_is_logged_and_shown_outside_strict_mode(monkeypatch, caplog):
    monkeypatch.setenv("I18N_STRICT", "0")
    with caplog.at_level(logging.WARNING, logger="jobs.digest_text"):
        assert w("no.such.key.shown", "en") == "no.such.key.shown"
        assert w("no.such.key.shown", "en") == "no.such.key.shown"
    assert [r.getMessage() for r in caplog.records] == [
        "no message 'no.such.key.shown' in the en digest catalogue: the key is shown"
    ]


def test_the_tests_run_strict():
    with pytest.raises(KeyError):
        w("no.such.key", "zh")
