"""The interface's messages: code, catalogues and compiled catalogues in step (README.md,
Translations), strict lookups, and the formats of numbers, percentages and dates.

The page tests (test_pages.py, test_role_scope.py ...) run with I18N_STRICT=1 (conftest.py): a key
missing from a catalogue raises there, so a page that renders shows no key in place of text.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import logging
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from data_access.queries.coverage import DEFINITIONS
from data_access.schema.models import ROLES
from data_access.schema.score_models import LISTS
from scoring.points_ledger import LIST_REASONS
from ui import coverage_display as view
from ui import lists, navigation
from ui.formatting import (
    EMPTY,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    format_points,
)
from ui.i18n import LANGUAGES, LOCALE_DIR, N_, message, t, tn

ROOT = Path(__file__).resolve().parent.parent
# the keywords of the README's `pybabel extract` command
KEYWORDS = parse_keywords(["t", "tr", "N_", "tn:1,2", "trn:1,2"])
LOCALES = {"zh_CN": 1, "en": 2}  # catalogue locale -> its number of plural forms
KEY_FUNCTIONS = {"t", "tr", "tn", "trn", "N_"}


def extracted() -> dict[str, str | None]:
    """msgid -> msgid_plural (None for a simple message) of every message the code uses, found as
    `pybabel extract -F babel.cfg` finds them."""
    with (ROOT / "babel.cfg").open() as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    out: dict[str, str | None] = {}
    for _file, _line, msg, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        singular, plural = (msg, None) if isinstance(msg, str) else msg
        out[singular] = plural
    return out


def catalogue(locale: str | None):
    path = LOCALE_DIR / "messages.pot" if locale is None else po_path(locale)
    with path.open("rb") as fp:
        return read_po(fp, locale=locale)


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def messages(locale: str | None) -> dict[str, object]:
    """msgid (the singular of a plural) -> the catalogue's Message."""
    out = {}
    for m in catalogue(locale):
        if m.id:
            out[m.id if isinstance(m.id, str) else m.id[0]] = m
    return out


def fields(text: str) -> set[str]:
    """The placeholder names of a str.format message (raises on a stray brace)."""
    names = set()
    for _literal, field, _spec, _conversion in string.Formatter().parse(text):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


@pytest.fixture(scope="module")
def used() -> dict[str, str | None]:
    found = extracted()
    assert len(found) > 500, "the extractor finds the interface's messages"
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_the_code_uses_is_translated(used, locale):
    kept = messages(locale)
    missing = sorted(key for key in used if key not in kept)
    assert missing == [], f"run pybabel extract and update, then translate: {missing}"
    for key, plural in used.items():
        m = kept[key]
        assert not m.fuzzy, key
        if plural is None:
            assert isinstance(m.string, str) and m.string.strip(), key
        else:
            assert m.id == (key, plural), key
            assert len(m.string) == LOCALES[locale], key
            assert all(form.strip() for form in m.string), key


@pytest.mark.parametrize("locale", [*LOCALES, None])
def test_no_message_is_kept_that_the_code_does_not_use(used, locale):
    assert sorted(set(messages(locale)) - set(used)) == []


def test_the_template_is_what_the_code_extracts(used):
    template = {
        key: m.id[1] if isinstance(m.id, tuple) else None for key, m in messages(None).items()
    }
    assert template == used, "run the README's pybabel extract"


def test_placeholders_are_the_same_in_both_languages():
    zh, en = messages("zh_CN"), messages("en")
    assert set(zh) == set(en)
    for key in zh:
        forms = [zh[key].string, en[key].string]
        texts = [s for form in forms for s in ([form] if isinstance(form, str) else form)]
        names = [fields(text) for text in texts]
        assert all(n == names[0] for n in names), (key, texts)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_is_the_po_file_compiled(locale):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(locale))
    shipped = (po_path(locale).with_suffix(".mo")).read_bytes()
    assert shipped == compiled.getvalue(), "run: pybabel compile -d ui/locale -D messages"


def test_plural_forms_follow_the_count():
    assert tn("oversight.count.one", "oversight.count.other", 1, "en") == "1 alert"
    assert tn("oversight.count.one", "oversight.count.other", 3, "en") == "3 alerts"
    assert tn("oversight.count.one", "oversight.count.other", 0, "en") == "0 alerts"
    assert tn("oversight.count.one", "oversight.count.other", 1, "zh") == "共 1 条预警"
    assert tn("oversight.count.one", "oversight.count.other", 3, "zh") == "共 3 条预警"


def test_texts_and_placeholders():
    assert t("page.overview", "zh") == "总览" and t("page.overview", "en") == "Overview"
    assert t("signin.sso", "zh", provider="OIDC") == "统一身份认证登录（OIDC）"
    assert message("signin.sso", "en") == "Sign in with single sign-on ({provider})"
    assert t("page.overview", "fr") == "Overview"  # any other language code reads English
    assert set(LANGUAGES) == {"zh", "en"}


# --------------------------------------------------------------------------- missing keys


def test_a_missing_key_raises_under_strict_mode(monkeypatch):
    monkeypatch.setenv("I18N_STRICT", "1")
    with pytest.raises(KeyError, match="no.such.key"):
        t("no.such.key", "zh")
    with pytest.raises(KeyError, match="no.such.key"):
        t("no.such.key", "en", n=1)
    with pytest.raises(KeyError, match="no.such.other"):
        tn("no.such.one", "no.such.other", 2, "en")


def test_a_missing_key_is_logged_and_shown_outside_strict_mode(monkeypatch, caplog):
    monkeypatch.setenv("I18N_STRICT", "0")
    with caplog.at_level(logging.WARNING, logger="dashboard.i18n"):
        assert t("no.such.key.shown", "zh") == "no.such.key.shown"
        assert t("no.such.key.shown", "zh") == "no.such.key.shown"
    assert [r.getMessage() for r in caplog.records] == [
        "no message 'no.such.key.shown' in the zh_CN catalogue: the key is shown"
    ]


def test_the_tests_run_strict():
    with pytest.raises(KeyError):
        t("no.such.key")


# --------------------------------------------------------------------------- no keys built at run time


def _source_files() -> list[Path]:
    return [ROOT / "dashboard.py", *sorted((ROOT / "ui").rglob("*.py"))] + sorted(
        (ROOT / "pages").rglob("*.py")
    )


def test_keys_are_never_built_at_run_time():
    """A key is a literal, or a name or a mapping lookup whose values are marked with N_: never an
    f-string, a concatenation, a conditional or a call, which pybabel cannot see (nor a literal key
    inside an f-string, which pybabel on Python 3.11 does not look into)."""
    allowed = (ast.Constant, ast.Name, ast.Subscript, ast.Attribute)
    wrong = []
    for path in _source_files():
        tree = ast.parse(path.read_text(), str(path))
        in_fstring = {
            id(call)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for call in ast.walk(node)
            if isinstance(call, ast.Call)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in KEY_FUNCTIONS or not node.args:
                continue
            keys = node.args[:2] if node.func.id in ("tn", "trn") else node.args[:1]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            for key in keys:
                if not isinstance(key, allowed):
                    wrong.append(f"{where} {ast.unparse(node)}")
                elif isinstance(key, ast.Constant) and id(node) in in_fstring:
                    wrong.append(f"{where} (inside an f-string) {ast.unparse(node)}")
    assert wrong == []


def test_mappings_name_every_code():
    assert set(navigation.PAGE_TITLES) == {p.key for p in navigation.PAGES}
    assert set(navigation.SECTION_TEXT) == set(navigation.SECTIONS)
    assert set(navigation.ROLE_TEXT) == set(ROLES)
    assert set(lists.LIST_TEXT) == set(LISTS)
    assert set(lists.REASON_TEXT) == set(LIST_REASONS)
    for reason, key in lists.REASON_TEXT.items():  # the ledger's values fill every language
        for lang in LANGUAGES:
            assert fields(message(key, lang)) == fields(LIST_REASONS[reason]), reason
    assert set(view.TERM_TEXT) == set(view.DEFINITION_TEXT) == set(DEFINITIONS)
    shown = {*view.PROFESSION_KEYS, *view.COUNTY_KEYS, *view.DOMAIN_KEYS}
    assert shown <= set(view.COLUMN_TEXT)


def test_the_marker_only_marks():
    assert N_("page.overview") == "page.overview"


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("lang", LANGUAGES)
def test_numbers_and_percentages(lang):
    assert format_number(1234567, lang) == "1,234,567"
    assert format_number(1234.5678, lang) == "1,234.568"
    assert format_number(2.25, lang, digits=1) == "2.2"  # half to even
    assert format_number(3, lang, sign=True) == "+3"
    assert format_number(-3, lang, sign=True) == "-3"
    assert format_number(0, lang, sign=True) == "+0"
    assert format_percent(0.9833, lang) == "98.3%"
    assert format_percent(2 / 3, lang) == "66.7%"
    assert format_percent(0.95, lang) == "95.0%"
    assert format_percent(1, lang) == "100.0%"
    assert format_percent(0.9833, lang, digits=2) == "98.33%"
    assert format_percent(0.0625, lang) == "6.2%"  # half to even, as Python's f"{x:.1%}"
    for missing in (None, float("nan")):
        assert format_number(missing, lang) == EMPTY
        assert format_percent(missing, lang) == EMPTY
        assert format_points(missing, lang) == EMPTY


def test_percentage_points():
    assert format_points(0.012, "zh") == "+1.2 个百分点"
    assert format_points(0.012, "en") == "+1.2 pp"
    assert format_points(0.9833 - 0.9712, "zh") == "+1.2 个百分点"
    assert format_points(-0.0049, "en") == "-0.5 pp"
    assert format_points(0.0, "en") == "+0.0 pp"


def test_dates_and_times():
    day = dt.date(2026, 11, 27)
    assert format_date(day, "zh") == "2026年11月27日"
    assert format_date(day, "en") == "Nov 27, 2026"
    assert format_date(day, "en", "yyyy-MM-dd") == "2026-11-27"
    moment = dt.datetime(2026, 11, 27, 14, 5, 59)
    assert format_datetime(moment, "zh") == format_datetime(moment, "en") == "2026-11-27 14:05"
    assert format_datetime(None, "zh") == EMPTY
