"""The interface's messages: code, catalogues and compiled catalogues in step (README.md,
Translations), strict lookups, and the formats of numbers, percentages and dates.

The checks of code, catalogues and compiled catalogues run for each gettext domain: the
interface's `messages` (babel.cfg, ui/locale) and the digests' `digest` (jobs/babel.cfg,
jobs/locale; its lookup, jobs/digest_text.py, is tested in test_digest_i18n.py).

The page tests (test_pages.py, test_role_scope.py ...) run with I18N_STRICT=1 (conftest.py): a key
missing from a catalogue raises there, so a page that renders shows no key in place of text.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import logging
import string
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from data_access.queries.coverage import DEFINITIONS
from data_access.schema.models import ROLES
from data_access.schema.score_models import LISTS
from jobs import digest_text
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
LOCALES = {"zh_CN": 1, "en": 2}  # catalogue locale -> its number of plural forms


@dataclass(frozen=True)
class Domain:
    """A gettext domain: where the README's `pybabel extract` finds its messages (the mapping file
    and the keywords of its -k options), where its catalogues are, and the source files whose
    keys must never be built at run time."""

    name: str
    mapping: str  # -F, from the repository root
    keywords: tuple[str, ...]  # -k
    locale_dir: Path
    sources: tuple[str, ...]  # globs from the repository root
    least: int  # the extractor finds more messages than this


MESSAGES = Domain("messages", "babel.cfg", ("t", "tr", "N_", "tn:1,2", "trn:1,2"), LOCALE_DIR,
                  ("dashboard.py", "ui/**/*.py", "pages/**/*.py"), 500)  # fmt: skip
DIGEST = Domain("digest", "jobs/babel.cfg", ("w", "N_"), digest_text.LOCALE_DIR,
                ("jobs/**/*.py",), 40)  # fmt: skip
DOMAINS = [MESSAGES, DIGEST]


def extracted(domain: Domain = MESSAGES) -> dict[str, str | None]:
    """msgid -> msgid_plural (None for a simple message) of every message the code uses, found as
    `pybabel extract -F <mapping>` finds them."""
    with (ROOT / domain.mapping).open() as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    out: dict[str, str | None] = {}
    for _file, _line, msg, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=parse_keywords(list(domain.keywords))
    ):
        singular, plural = (msg, None) if isinstance(msg, str) else msg
        out[singular] = plural
    return out


def catalogue(locale: str | None, domain: Domain = MESSAGES):
    path = domain.locale_dir / f"{domain.name}.pot" if locale is None else po_path(locale, domain)
    with path.open("rb") as fp:
        return read_po(fp, locale=locale)


def po_path(locale: str, domain: Domain = MESSAGES) -> Path:
    return domain.locale_dir / locale / "LC_MESSAGES" / f"{domain.name}.po"


def messages(locale: str | None, domain: Domain = MESSAGES) -> dict[str, object]:
    """msgid (the singular of a plural) -> the catalogue's Message."""
    out = {}
    for m in catalogue(locale, domain):
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


@pytest.fixture(scope="module", params=DOMAINS, ids=lambda domain: domain.name)
def domain(request) -> Domain:
    return request.param


@pytest.fixture(scope="module")
def used(domain) -> dict[str, str | None]:
    found = extracted(domain)
    assert len(found) > domain.least, f"the extractor finds the messages of {domain.name}"
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_the_code_uses_is_translated(domain, used, locale):
    kept = messages(locale, domain)
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
def test_no_message_is_kept_that_the_code_does_not_use(domain, used, locale):
    assert sorted(set(messages(locale, domain)) - set(used)) == []


def test_the_template_is_what_the_code_extracts(domain, used):
    template = {
        key: m.id[1] if isinstance(m.id, tuple) else None
        for key, m in messages(None, domain).items()
    }
    assert template == used, "run the README's pybabel extract"


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda domain: domain.name)
def test_placeholders_are_the_same_in_both_languages(domain):
    zh, en = messages("zh_CN", domain), messages("en", domain)
    assert set(zh) == set(en)
    for key in zh:
        forms = [zh[key].string, en[key].string]
        texts = [s for form in forms for s in ([form] if isinstance(form, str) else form)]
        names = [fields(text) for text in texts]
        assert all(n == names[0] for n in names), (key, texts)


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda domain: domain.name)
@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_is_the_po_file_compiled(domain, locale):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(locale, domain))
    shipped = (po_path(locale, domain).with_suffix(".mo")).read_bytes()
    where = domain.locale_dir.relative_to(ROOT)
    assert shipped == compiled.getvalue(), f"run: pybabel compile -d {where} -D {domain.name}"


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


def _source_files(domain: Domain) -> list[Path]:
    return [path for pattern in domain.sources for path in sorted(ROOT.glob(pattern))]


@pytest.mark.parametrize("domain", DOMAINS, ids=lambda domain: domain.name)
def test_keys_are_never_built_at_run_time(domain):
    """A key is a literal, or a name or a mapping lookup whose values are marked with N_: never an
    f-string, a concatenation, a conditional or a call, which pybabel cannot see (nor a literal key
    inside an f-string, which pybabel on Python 3.11 does not look into)."""
    allowed = (ast.Constant, ast.Name, ast.Subscript, ast.Attribute)
    key_arguments = parse_keywords(list(domain.keywords))  # function -> its keys' positions
    wrong = []
    for path in _source_files(domain):
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
            if node.func.id not in key_arguments or not node.args:
                continue
            positions = key_arguments[node.func.id] or (1,)
            keys = [node.args[i - 1] for i in positions if i <= len(node.args)]
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
