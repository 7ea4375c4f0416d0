"""An uploaded delivery file before it is parsed: its name, type, size and encoding, and where it
is staged; then the checks that tie its rows to the catalogue item it is delivered for.

Owns everything about the *bytes* of an upload (the submission page's data layer,
`submission_upload`, owns the flow):

- the uploaded name is only ever shown, never used as a path: `display_name` keeps its base name
  and replaces anything outside letters, digits, space and `-_.()` (so `../../etc/passwd.csv` shows
  as `passwd.csv`, NUL and control bytes become `_`, and no Markdown or HTML survives);
- `file_problems` refuses, before any parsing, an empty file, a file over `MAX_UPLOAD_BYTES`, any
  type but `.csv` and `.xlsx`, a CSV that is neither UTF-8 nor GB18030 text (naming its line) or
  holds NUL bytes,
  and an `.xlsx` that is not a real workbook (not a zip, an old `.xls` renamed, or a zip that
  would expand beyond `XLSX_LIMITS.unpacked_bytes`);
- `staged` writes the bytes into a private temporary directory (mode 0700) under a generated
  name and removes it afterwards;
- `item_problems` reads the staged file once more and reports, with line and column, every row
  that does not belong to the item: another profession, category, domain or department, or a row
  dated after the period's end (or after today).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from data_access.imports.importer import Problem
from data_access.imports.parsing import parse_date
from data_access.imports.readers import XLSX_LIMITS, ReadError, csv_encoding, open_source
from data_access.schema.reference import codes

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # 20 MB: about 150,000 credit-record rows of CSV
ALLOWED_SUFFIXES = (".csv", ".xlsx")
MAX_NAME_CHARS = 120

_UNSAFE = re.compile(r"[^\w\-. ()（）]")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls


@dataclass(frozen=True)
class ItemRules:
    """What every row of one catalogue item's file must carry."""

    import_kind: str  # roster | credit-records | persons
    dept_code: str
    subject: str  # the profession (roster) or the domain (records), may be empty
    category_code: str
    item_code: str
    latest_date: dt.date  # no row may be dated after this day (period end, or today if earlier)
    latest_reason: str  # "the end of period 2026-10 (2026-10-31)" or "today (2026-11-20)"


def display_name(name: str | None) -> str:
    """The uploaded name as safe to show: base name only, unusual characters replaced."""
    raw = str(name or "")
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    safe = _UNSAFE.sub("_", base).strip(" .") or "upload"
    if len(safe) > MAX_NAME_CHARS:
        suffix = PurePosixPath(safe).suffix[:10]
        safe = safe[: MAX_NAME_CHARS - len(suffix)] + suffix
    return safe


def suffix_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _csv_problem(content: bytes) -> tuple[int | None, str] | None:
    if content.startswith(_ZIP_MAGIC):
        return None, "this is a workbook (a zip archive), not CSV text: upload it as .xlsx"
    try:
        csv_encoding(content)
    except ReadError as exc:
        return exc.line, exc.reason
    nul = content.find(b"\x00")
    if nul >= 0:
        line = content.count(b"\n", 0, nul) + 1
        return line, "the file contains NUL bytes: it is not a CSV text file"
    return None


def _xlsx_problem(content: bytes) -> str | None:
    if content.startswith(_OLE_MAGIC):
        return "an old Excel 97-2003 (.xls) workbook named .xlsx: save it as .xlsx or CSV UTF-8"
    if not content.startswith(_ZIP_MAGIC):
        return "not a real .xlsx workbook (an .xlsx file is a zip archive; this one is not)"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"not a readable .xlsx workbook (damaged zip archive: {exc})"
    if "xl/workbook.xml" not in names:
        return "a zip archive but not an Excel workbook (no xl/workbook.xml)"
    if expanded > XLSX_LIMITS.unpacked_bytes:
        return (
            f"the workbook expands to {_megabytes(expanded)}; at most "
            f"{_megabytes(XLSX_LIMITS.unpacked_bytes)} is accepted (split it or upload CSV)"
        )
    return None


def file_problems(name: str, content: bytes) -> list[Problem]:
    """Problems of the file as a whole, found before parsing (empty when it may be parsed).

    `name` is the display name (see `display_name`); its suffix decides the type."""
    suffix = suffix_of(name)
    if suffix not in ALLOWED_SUFFIXES:
        return [
            Problem(
                name,
                None,
                None,
                f"file type {suffix or '(none)'} is not accepted: upload a .csv (UTF-8) or "
                ".xlsx file",
            )
        ]
    size = len(content)
    if size == 0:
        return [Problem(name, None, None, "the file is empty (0 bytes)")]
    if size > MAX_UPLOAD_BYTES:
        return [
            Problem(
                name,
                None,
                None,
                f"the file is {_megabytes(size)} ({size:,} bytes); the limit is "
                f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB ({MAX_UPLOAD_BYTES:,} bytes): split it "
                "by period or by county",
            )
        ]
    if suffix == ".csv":
        found = _csv_problem(content)
        return [Problem(name, found[0], None, found[1])] if found else []
    reason = _xlsx_problem(content)
    return [Problem(name, None, None, reason)] if reason else []


@contextmanager
def staged(content: bytes, suffix: str) -> Iterator[Path]:
    """The bytes as a file in a private temporary directory, under a generated name."""
    if suffix not in ALLOWED_SUFFIXES:
        raise ValueError(f"unsupported suffix {suffix!r}")
    with tempfile.TemporaryDirectory(prefix="credit-upload-") as folder:
        path = Path(folder) / f"delivery{suffix}"
        path.write_bytes(content)
        yield path


# --------------------------------------------------------------------------- rows against the item

_DOMAINS = codes("domains")


def _date_problem(value: str | None, column: str, rules: ItemRules) -> str | None:
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        return None  # the contract check reports it
    if day > rules.latest_date:
        return f"{column} {day} is after {rules.latest_reason}"
    return None


def _row_problems(raw: dict[str, str], rules: ItemRules) -> Iterator[tuple[str, str]]:
    dept = raw.get("source_dept")
    if rules.import_kind in ("roster", "credit-records") and dept and dept != rules.dept_code:
        yield "source_dept", f"{dept!r} is not the delivering department {rules.dept_code}"
    if rules.import_kind == "roster":
        profession = raw.get("profession_code")
        if profession and profession != rules.subject:
            yield (
                "profession_code",
                f"{profession!r} does not belong to {rules.item_code} (the {rules.subject} roster)",
            )
        problem = _date_problem(raw.get("valid_from"), "valid_from", rules)
        if problem:
            yield "valid_from", problem
    elif rules.import_kind == "credit-records":
        category = raw.get("category_code")
        if category and category != rules.category_code:
            yield (
                "category_code",
                f"{category!r} does not belong to {rules.item_code} ({rules.category_code} "
                "records)",
            )
        if rules.subject in _DOMAINS and "domain_code" in raw:
            domain = raw["domain_code"]
            if not domain:
                yield "domain_code", f"required for {rules.item_code}: {rules.subject}"
            elif domain != rules.subject:
                yield (
                    "domain_code",
                    f"{domain!r} does not belong to {rules.item_code} (domain {rules.subject})",
                )
        problem = _date_problem(raw.get("decision_date"), "decision_date", rules)
        if problem:
            yield "decision_date", problem


@dataclass
class ItemCheck:
    """The rows of a file checked against its item."""

    problems: list[Problem]  # the first `limit`
    count: int  # every problem found
    data_rows: int | None  # data rows in the file; None when it could not be read through


def item_problems(path: Path, name: str, rules: ItemRules, limit: int) -> ItemCheck:
    """Rows of the staged file that do not belong to the item, and how many data rows it has.

    A file that cannot be read is left to the contract checks (import_file reports it)."""
    check = ItemCheck([], 0, 0)

    def add(line: int, column: str, reason: str) -> None:
        check.count += 1
        if len(check.problems) < limit:
            check.problems.append(Problem(name, line, column, reason))

    try:
        with open_source(path) as source:
            if (
                rules.import_kind == "credit-records"
                and rules.subject in _DOMAINS
                and "domain_code" not in source.columns
            ):
                add(1, "domain_code", f"required for {rules.item_code}: {rules.subject}")
            rows = 0
            for line, raw in source.rows():
                rows += 1
                for column, reason in _row_problems(raw, rules):
                    add(line, column, reason)
            check.data_rows = rows + len(source.problems)  # unreadable rows are data rows too
    except (ReadError, OSError):
        check.data_rows = None
    return check
