"""Read an export file (CSV, Parquet, JSON or NDJSON) into a Polars frame of raw values.

CSV and JSON must be UTF-8 (a byte-order mark is fine). The bytes are checked first, in
chunks, so that a Latin-1 or UTF-16 file is named as such, with the line of the first bad
byte, instead of failing somewhere inside the parser. CSV values are read as text; the
validator parses them. Parquet and JSON keep their own types.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from navigator.data.ingest.problems import Problem, Problems

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
CHUNK = 8 * 1024 * 1024
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

Progress = Callable[[int], None]  # bytes done so far in this file


def format_of(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


@dataclass
class RawFile:
    path: Path
    shown: str  # how problems name it
    number: int  # its place among the inputs
    frame: pl.DataFrame | None  # None when it could not be read (see the problems)


def read(path: Path, shown: str, number: int, problems: Problems, progress: Progress | None = None) -> RawFile:
    """The file's rows, or None with the reason added to `problems`."""
    kind = format_of(path)
    size = path.stat().st_size
    before = problems.total

    def problem(expected: str, line: int | None = None) -> None:
        problems.add(Problem(shown, expected=expected, line=line, order=(number, 0)))

    if size == 0:
        problem("the file is empty (0 bytes): expected a header line and at least one row")
        return RawFile(path, shown, number, None)
    frame: pl.DataFrame | None = None
    if kind in ("csv", "json", "ndjson"):
        if not _check_utf8(path, problem, progress):
            return RawFile(path, shown, number, None)
        frame = _read_csv(path, shown, number, problems, problem) if kind == "csv" else _read_json(path, kind, problem)
    elif kind == "parquet":
        try:
            frame = pl.read_parquet(path)
        except Exception as exc:  # Polars raises several kinds for a damaged file
            problem(f"cannot be read as Parquet: {_first_line(exc)}")
            return RawFile(path, shown, number, None)
        if progress is not None:
            progress(size)
    if frame is not None and problems.total == before:
        nested = [name for name, dtype in frame.schema.items() if dtype.is_nested() or dtype == pl.Object]
        for name in nested:
            problems.add(
                Problem(shown, column=name, expected="expected plain values, not lists or objects", order=(number, 0))
            )
        if frame.height == 0 and not nested:
            what = "only a header" if kind == "csv" else "no rows"
            problem(f"no data rows ({what}): expected at least one row; navigator does not import an empty table")
        if nested or frame.height == 0:
            frame = None
    return RawFile(path, shown, number, frame)


def _check_utf8(path: Path, problem: Callable[..., None], progress: Progress | None) -> bool:
    """True when the whole file is UTF-8 (with or without a BOM); else one problem naming the encoding."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    done = 0
    lines = 1
    blank = True
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(0)
        if head.startswith(UTF16_BOMS) or (len(head) >= 4 and (head[1] == 0 and head[3] == 0)):
            problem("the file is UTF-16: expected UTF-8 text (save it as UTF-8, or CSV UTF-8 in a spreadsheet)")
            return False
        while chunk := handle.read(CHUNK):
            chunk_for_check = chunk[len(UTF8_BOM) :] if done == 0 and chunk.startswith(UTF8_BOM) else chunk
            try:
                decoder.decode(chunk_for_check, final=False)
            except UnicodeDecodeError as exc:
                line = lines + chunk_for_check.count(b"\n", 0, exc.start)
                bad = chunk_for_check[exc.start : exc.start + 1]
                problem(_not_utf8(bad, chunk_for_check[exc.start : exc.start + 4]), line=line)
                return False
            if blank and chunk_for_check.strip():
                blank = False
            lines += chunk_for_check.count(b"\n")
            done += len(chunk)
            if progress is not None:
                progress(done)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            problem("the file ends in the middle of a character: expected UTF-8 text", line=lines)
            return False
    if blank:
        problem("the file has only blank lines: expected a header line and at least one row")
        return False
    return True


def _not_utf8(bad: bytes, around: bytes) -> str:
    byte = f"0x{bad[0]:02X}"
    guess = ""
    with contextlib.suppress(UnicodeDecodeError):  # bytes cp1252 leaves undefined: no guess
        latin = around.decode("cp1252")[:1]
        if latin.isprintable():
            guess = f" ('{latin}' in Latin-1)"
    return (
        f"byte {byte}{guess} is not UTF-8: expected UTF-8 text; the file looks like Latin-1 / Windows-1252 "
        "or another legacy encoding (save it as UTF-8, or CSV UTF-8 in a spreadsheet)"
    )


def _sniff_separator(path: Path, header: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 and counts[","] == 0 else ","


def _read_csv(
    path: Path, shown: str, number: int, problems: Problems, problem: Callable[..., None]
) -> pl.DataFrame | None:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    separator = _sniff_separator(path, first)
    header = next(csv.reader(io.StringIO(first), delimiter=separator), [])
    names = [name.strip() for name in header]
    empty = [str(i) for i, name in enumerate(names, start=1) if not name]
    if empty:
        problem(f"header field {', '.join(empty)} has no name: expected a column name in every header field", line=1)
        return None
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            problems.add(
                Problem(
                    shown,
                    line=1,
                    column=name,
                    expected="appears twice in the header: expected each column once",
                    order=(number, 0),
                )
            )
        seen.add(name.casefold())
    if len(seen) != len(names):
        return None
    try:
        frame = pl.read_csv(
            path,
            separator=separator,
            infer_schema=False,
            encoding="utf8",
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        ragged = _ragged_rows(path, separator, len(names))
        if ragged:
            for count in sorted({count for _, _, count in ragged}):
                rows = [(row, line) for row, line, n in ragged if n == count]
                kept = [
                    Problem(
                        shown,
                        row=row,
                        line=line,
                        expected=f"has {count} fields: expected {len(names)}, as in the header (a value with a "
                        f"{'comma' if separator == ',' else 'separator'} must be in double quotes)",
                        order=(number, row),
                    )
                    for row, line in rows[:3]
                ]
                problems.add_many(len(rows), kept)
        else:
            problem(f"cannot be read as CSV: {_first_line(exc)}")
        return None
    return frame.rename(dict(zip(frame.columns, names, strict=True)))


def _ragged_rows(path: Path, separator: str, expected: int) -> list[tuple[int, int, int]]:
    """(data row, line, field count) of the rows whose field count differs from the header's."""
    found = []
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator)
        next(reader, None)
        row = 0
        line = reader.line_num
        for fields in reader:
            start = line + 1
            line = reader.line_num
            if not fields:
                continue
            row += 1
            if len(fields) != expected:
                found.append((row, start, len(fields)))
    return found


def _read_json(path: Path, kind: str, problem: Callable[..., None]) -> pl.DataFrame | None:
    with path.open("r", encoding="utf-8-sig") as handle:
        start = handle.read(4096).lstrip()[:1]
    try:
        if kind == "json" and start == "[":
            return pl.read_json(path, infer_schema_length=None)
        if start == "{" or kind == "ndjson":
            return pl.read_ndjson(path, infer_schema_length=None)
    except Exception as exc:  # Polars raises several kinds for malformed JSON
        problem(f"not valid JSON: {_first_line(exc)}: expected an array of objects, or one object a line (NDJSON)")
        return None
    problem("expected a JSON array of objects (one object a row), or one object a line (NDJSON)")
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
