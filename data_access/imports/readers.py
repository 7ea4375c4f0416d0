"""Streaming readers for import files: CSV (UTF-8 with or without BOM, or GB18030), .xlsx and
.parquet.

A reader never holds the whole file in memory. It yields `(line_number, row)` pairs, `row` a dict
of stripped strings keyed by the header's column names:

- CSV: the physical line where the record starts (header = line 1, first data row = line 2);
- xlsx: the sheet row of the first sheet (header = row 1); empty rows are skipped;
- parquet: row index + 2, as if the file were a CSV with a header.

Cells that are not text (xlsx and parquet dates, numbers, booleans) become strings: a date
`YYYY-MM-DD`, a datetime `YYYY-MM-DDTHH:MM:SS` (or just the date when the time is midnight),
an integer-valued float `12`, a boolean `1`/`0`.

A CSV's encoding is found before its rows are read (`sniff_encoding`): UTF-8, with or without a
BOM, else GB18030 (which covers GBK, what Excel in a Chinese office saves as "CSV"); a file that
is neither, or mixes the two line by line, is refused naming the first line that cannot be read.
`source.encoding` says which was used. Rows of only separators are blank lines.

A workbook is read whole whatever its <dimension> tag claims, within `XLSX_LIMITS` (unpacked size,
shared strings, rows, columns, cells): beyond them it is refused at once with the limit named.

Rows that cannot be read (too many or too few values) are not yielded; they are appended to
`source.problems` as `(line, reason)`, and the caller drains that list as it goes.

`source.chunks(size)` is the same stream cut into `Chunk`s of up to `size` rows, column-wise
input for the importer (polars). A CSV's chunk carries its cells as read (not yet stripped; blank
rows of the right width and NUL characters are left to the caller, which finds them column-wise);
other sources give their rows exactly as `rows()` does.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import io
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
# A NUL character is in no text the database stores (PostgreSQL refuses it outright).
NUL_REASON = "the row contains a NUL character (0x00): not text"

# Allow long text fields (a summary, a title) without csv's default 128 KiB limit getting in the way.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

UTF8, GB18030 = "UTF-8", "GB18030"
_CODECS = {UTF8: "utf-8-sig", GB18030: "gb18030"}
_SNIFF_CHUNK = 1 << 20


@dataclass(frozen=True)
class XlsxLimits:
    """What a workbook may hold (documented in contracts.md and the README)."""

    unpacked_bytes: int = 400 * 1024 * 1024  # all parts unzipped (zip-bomb guard)
    shared_strings_bytes: int = 200 * 1024 * 1024  # xl/sharedStrings.xml unzipped
    rows: int = 1_048_576  # Excel's own maximum
    columns: int = 256  # cells per row read (a file has at most a few dozen columns)
    cells: int = 60_000_000  # cells read in all


XLSX_LIMITS = XlsxLimits()


class ReadError(Exception):
    """The file cannot be read at all (not UTF-8, not a workbook, no header ...)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _line_kind(line: bytes) -> str | None:
    """UTF8 or GB18030 for a line that decodes as that (UTF-8 first), None if neither."""
    for name in (UTF8, GB18030):
        try:
            line.decode(_CODECS[name])
            return name
        except UnicodeDecodeError:
            pass
    return None


def _first_bad_byte(line: bytes) -> tuple[int, int]:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start, line[exc.start]
    return 0, line[0]


def sniff_encoding(stream: IO[bytes]) -> str:
    """UTF8 or GB18030: how a CSV's bytes are to be read (the stream is read to its end).

    A file that decodes as UTF-8 is UTF-8 (the fast path: one pass in 1 MB chunks). Otherwise each
    line with non-ASCII bytes is classified; the first such line decides, and a later line of the
    other kind (a file pasted together from two sources) or of neither is a ReadError naming it."""
    head = stream.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(
            "UTF-16 text (Excel's 'Unicode text'): save the file as 'CSV UTF-8' instead", 1
        )
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_SNIFF_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return UTF8
    except UnicodeDecodeError:
        pass
    stream.seek(0)
    chosen: str | None = None
    for number, line in enumerate(stream, start=1):
        if line.isascii():
            continue
        kind = _line_kind(line)
        if kind is None:
            position, byte = _first_bad_byte(line)
            raise ReadError(
                f"neither UTF-8 nor GB18030 text (byte 0x{byte:02X} at position {position + 1} "
                "of the line): save the file as 'CSV UTF-8'",
                number,
            )
        if chosen is None:
            chosen = kind
        elif kind != chosen:
            raise ReadError(
                f"this line is {kind} text but the lines before it are {chosen}: the file mixes "
                "two encodings (save it once more as 'CSV UTF-8')",
                number,
            )
    return chosen or UTF8


def cell_text(value: Any) -> str:
    """A cell value from a workbook or a parquet file as the text a CSV would carry."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell in pandas-written files
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, decimal.Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return str(value.normalize())
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep="T")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Chunk:
    """Up to `size` consecutive rows: each row's line and its cells in header order."""

    lines: list[int]
    rows: list[list[str]]

    def __len__(self) -> int:
        return len(self.rows)


class Source:
    """An open import file: its column names and a one-pass iterator over its rows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.columns: list[str] = []
        self.problems: list[tuple[int, str]] = []
        self.encoding: str | None = None  # a CSV's: UTF8 or GB18030

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        raise NotImplementedError

    def chunks(self, size: int) -> Iterator[Chunk]:
        """The rows of `rows()` in chunks of up to `size` (one pass; see the module docstring)."""
        columns = self.columns
        chunk = Chunk([], [])
        for line, row in self.rows():
            chunk.lines.append(line)
            chunk.rows.append([row[c] for c in columns])
            if len(chunk.rows) >= size:
                yield chunk
                chunk = Chunk([], [])
        if chunk.rows:
            yield chunk

    def close(self) -> None:
        pass

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_header(self, names: list[str], line: int = 1) -> list[str]:
        names = [n.strip() for n in names]
        while names and not names[-1]:
            names.pop()
        if not names:
            raise ReadError("no header row", line)
        if "" in names:
            raise ReadError(f"column {names.index('') + 1} of the header has no name", line)
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ReadError(f"column {name!r} appears twice in the header", line)
            seen.add(name)
        return names


class CsvSource(Source):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        with open(path, "rb") as raw:
            self.encoding = sniff_encoding(raw)
        self._fh = open(path, encoding=_CODECS[self.encoding], newline="")
        self._reader = csv.reader(self._fh)
        try:
            header = next(self._reader, None)
        except UnicodeDecodeError as exc:
            self.close()
            raise ReadError(
                f"not {self.encoding} text ({exc.reason} at byte {exc.start})", 1
            ) from None
        except csv.Error as exc:
            self.close()
            raise ReadError(f"not a readable CSV header ({exc})", 1) from None
        if header is None:
            self.close()
            raise ReadError("the file is empty (no header row)", 1)
        self.columns = self._check_header(header)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        columns = self.columns
        width = len(columns)
        reader = self._reader
        problems = self.problems
        start = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise ReadError(
                    f"not {self.encoding} text ({exc.reason} at byte {exc.start})", start
                ) from None
            except csv.Error as exc:
                raise ReadError(f"unreadable CSV ({exc})", start) from None
            line = start
            start = reader.line_num + 1
            if not any(v.strip() for v in values):
                continue  # a blank line, or one of only separators (rows Excel leaves behind)
            if len(values) != width:
                problems.append(
                    (line, f"the row has {len(values)} values but the header has {width} columns")
                )
                continue
            if "\x00" in "".join(values):
                problems.append((line, NUL_REASON))
                continue
            yield line, dict(zip(columns, map(str.strip, values), strict=True))

    def chunks(self, size: int) -> Iterator[Chunk]:
        """The hot loop of big files: one csv record at a time, only its line and its width are
        looked at here; stripping, blank rows and NUL characters are the caller's (column-wise)."""
        width = len(self.columns)
        reader = self._reader
        problems = self.problems
        start = reader.line_num + 1
        lines: list[int] = []
        rows: list[list[str]] = []
        try:
            for values in reader:
                line = start
                start = reader.line_num + 1
                if len(values) != width:
                    if any(v.strip() for v in values):
                        problems.append((line, f"the row has {len(values)} values but the "
                                               f"header has {width} columns"))  # fmt: skip
                    continue
                lines.append(line)
                rows.append(values)
                if len(rows) >= size:
                    yield Chunk(lines, rows)
                    lines, rows = [], []
        except UnicodeDecodeError as exc:
            raise ReadError(
                f"not {self.encoding} text ({exc.reason} at byte {exc.start})", start
            ) from None
        except csv.Error as exc:
            raise ReadError(f"unreadable CSV ({exc})", start) from None
        if rows:
            yield Chunk(lines, rows)

    def close(self) -> None:
        self._fh.close()


class XlsxSource(Source):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        import openpyxl

        _check_archive(path)
        try:
            self._wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
            raise ReadError(f"not a readable .xlsx workbook ({exc})") from None
        if not self._wb.worksheets:
            self.close()
            raise ReadError("the workbook has no sheet")
        sheet = self._wb.worksheets[0]
        # the <dimension> tag is whatever the writing program claimed: a sheet that says A1:H2
        # may hold 1,000 rows (rows beyond it were silently lost), one that says A1:XFD1048576
        # padded every row to 16,384 cells (an import that never ended). Read what is there.
        sheet.reset_dimensions()
        self._rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        for number, values in self._rows:
            if any(cell_text(v) for v in values):
                self.columns = self._check_header([cell_text(v) for v in values], number)
                break
        else:
            self.close()
            raise ReadError("the first sheet is empty (no header row)", 1)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        columns = self.columns
        width = len(columns)
        limits = XLSX_LIMITS
        cells = 0
        for number, values in self._rows:
            cells += len(values)
            if len(values) > limits.columns:
                raise ReadError(
                    f"the row has {len(values):,} cells; at most {limits.columns} columns are "
                    "read: delete the columns after the data and save again",
                    number,
                )
            if number > limits.rows or cells > limits.cells:
                raise ReadError(
                    f"the sheet goes beyond {limits.rows:,} rows or {limits.cells:,} cells: "
                    "split it, or deliver CSV",
                    number,
                )
            texts = [cell_text(v) for v in values]
            if not any(texts):
                continue  # empty rows (typically trailing) are ignored
            if len(texts) > width:
                if any(texts[width:]):
                    self.problems.append(
                        (number, f"the row has values beyond the {width} named columns")
                    )
                    continue
                texts = texts[:width]
            elif len(texts) < width:
                texts += [""] * (width - len(texts))
            yield number, dict(zip(columns, texts, strict=True))

    def close(self) -> None:
        self._wb.close()


def _check_archive(path: Path) -> None:
    """Refuse, before parsing, a workbook whose parts unpack beyond XLSX_LIMITS."""
    limits = XLSX_LIMITS
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"not a readable .xlsx workbook ({exc})") from None
    unpacked = sum(p.file_size for p in parts)
    if unpacked > limits.unpacked_bytes:
        raise ReadError(
            f"the workbook unpacks to {unpacked / 2**20:,.0f} MB; at most "
            f"{limits.unpacked_bytes / 2**20:,.0f} MB is read: split it, or deliver CSV"
        )
    strings = sum(p.file_size for p in parts if p.filename.lower() == "xl/sharedstrings.xml")
    if strings > limits.shared_strings_bytes:
        raise ReadError(
            f"the workbook's shared strings unpack to {strings / 2**20:,.0f} MB; at most "
            f"{limits.shared_strings_bytes / 2**20:,.0f} MB is read: split it, or deliver CSV"
        )


def csv_encoding(content: bytes) -> str:
    """sniff_encoding for bytes in memory (an upload)."""
    return sniff_encoding(io.BytesIO(content))


class ParquetSource(Source):
    BATCH_ROWS = 10_000

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        import pyarrow.parquet as pq

        try:
            self._file = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow.ArrowInvalid and friends
            raise ReadError(f"not a readable .parquet file ({exc})") from None
        self.columns = self._check_header(list(self._file.schema_arrow.names))

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        line = 2
        for batch in self._file.iter_batches(batch_size=self.BATCH_ROWS):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            names = batch.schema.names
            for values in zip(*columns, strict=True):
                row = {n: cell_text(v) for n, v in zip(names, values, strict=True)}
                if "\x00" in "".join(row.values()):
                    self.problems.append((line, NUL_REASON))
                else:
                    yield line, row
                line += 1

    def close(self) -> None:
        self._file.close()


def open_source(path: str | Path) -> Source:
    """Open an import file by its suffix; ReadError when it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return CsvSource(path)
    if suffix == ".xlsx":
        return XlsxSource(path)
    if suffix == ".parquet":
        return ParquetSource(path)
    raise ReadError(f"unsupported file type {suffix or '(none)'}: use .csv, .xlsx or .parquet")
