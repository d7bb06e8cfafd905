"""Text tables (.csv, .txt, .tsv): the Energy table alone, in UTF-8 or GB18030/GBK.

The delimiter (comma, semicolon or tab) is taken from the first lines; the header may stand
anywhere in them; rows of the wrong width are reported, never dropped.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from greendc.findings import Finding, Place, input_error
from greendc.reading import energy as energy_tables
from greendc.reading.assemble import assemble, check_rows
from greendc.reading.headers import (
    HEADER_SCAN_ROWS,
    cell_text,
    find_header,
)
from greendc.reading.periods import year_hint
from greendc.reading.resolve import table_columns
from greendc.reading.sources import frame_keys
from greendc.reading.submission import Submission
from greendc.reading.tables import to_number
from greendc.reading.transposed import find_transposed, transposed_table
from greendc.reading.unreadable import best_guesses, no_table_error
from greendc.reference.options import Options
from greendc.reference.settings import setting

ENCODINGS = ("utf-8-sig", "gb18030")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in."""
    if b"\x00" in data[:4096]:
        raise input_error(path, "binary_text")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 mark in front of GBK text
        try:
            return data[3:].decode("gb18030"), "gb18030 after a misleading UTF-8 mark"
        except UnicodeDecodeError:
            pass
    raise input_error(path, "bad_encoding")


def read_csv(path: Path, data: bytes, sha256: str, options: Options) -> Submission:
    """Read a CSV or tab-separated text file holding the Energy table.

    Parameters
    ----------
    path : the file's name, for messages
    data : the file's bytes (UTF-8, with or without a mark, or GB18030/GBK)
    sha256 : their digest
    options : the run's options (limits, extra column names)

    Returns
    -------
    Submission
        The energy table in canonical units; no Facility fields (a text file has one table).

    Raises
    ------
    InputError
        The text cannot be decoded or parsed, has no energy table, or is beyond a limit.
    """
    text, encoding = _decode(path, data)
    lines = text.splitlines()
    head_lines = lines[:HEADER_SCAN_ROWS]
    delimiter = max((",", ";", "\t"), key="\n".join(head_lines).count)
    try:
        head = [(i + 1, row) for i, row in enumerate(csv.reader(head_lines,
                                                                 delimiter=delimiter))
                if any(cell_text(v) for v in row)]
    except csv.Error as exc:
        raise input_error(path, "bad_csv_text", code="bad_csv", error=str(exc)) from None
    width = options.limits["max_columns"]
    for number, row in head:
        if len(row) > width:
            raise input_error(path, "too_many_columns", Place(row=number), row=number,
                              fields=len(row),
                              limit=width)
    header = find_header(head, options, _column_number)
    timezone = setting("ingest", "default_timezone")
    first = [Finding("no_facility_sheet", "info")]
    if encoding.startswith("gb18030 after"):
        first.append(Finding("encoding_mismatch", "warning", Place(), {}))
    if header is None:
        if not head:
            raise input_error(path, "no_text_data", code="empty_file")
        across = find_transposed(head, options)
        if across is None:
            raise no_table_error(path, "no_energy_table_text", None,
                                 [(None, best_guesses(head, options))])
        raw = transposed_table(path, None, head, across, _column_number, None,
                               year_hint(options.year, head[:across.index], None, None))
        return assemble(path, sha256, "csv", {}, [raw], timezone, first)
    header_line = head[header.index][0]
    columns, findings, first_data_line = table_columns(path, None, head, header,
                                                       _column_number, None)
    keys = frame_keys(columns)
    positions = {int(s.letter) - 1: k for k, s in keys.items()}
    skip = first_data_line - 1
    body = [line for line in lines[skip:] if line.strip()]
    if not body:
        raise input_error(path, "no_data_rows", Place(row=header_line))
    findings += _ragged(lines, skip, len(head[header.index][1]), delimiter)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, skiprows=skip,
                            usecols=sorted(positions), skip_blank_lines=False,
                            dtype={p: object for p, k in positions.items()
                                   if k == "period_start"},
                            on_bad_lines="error", keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, ValueError) as exc:
        raise input_error(path, "bad_csv", error=str(exc)) from None
    frame = frame.rename(columns=positions)
    for key in positions.values():  # rows shorter than the header: the ragged error says so
        if key not in frame:
            frame[key] = None
    check_rows(path, None, len(frame), options.limits)
    rows = np.arange(len(frame)) + skip + 1
    raw = energy_tables.RawTable(None, columns, frame, rows, findings,
                                 year=year_hint(options.year, head[:header.index], None, None))
    return assemble(path, sha256, "csv", {}, [raw], timezone, first)


def _column_number(position: int) -> str:
    return str(position + 1)


def _is_note(line: str, delimiter: str) -> bool:
    """A line of text without a number in it (a note, a source, a signature)."""
    fields = [f.strip() for f in next(csv.reader([line], delimiter=delimiter)) if f.strip()]
    return bool(fields) and all(to_number(f) is None for f in fields)


def _ragged(lines: list[str], skip: int, width: int, delimiter: str) -> list[Finding]:
    """Rows with more or fewer fields than the header: an error naming them."""
    suspects = [i for i, line in enumerate(lines[skip:], start=skip + 1)
                if line.strip() and line.count(delimiter) != width - 1]
    if not suspects:
        return []
    bad = [n for n in suspects
           if len(next(csv.reader([lines[n - 1]], delimiter=delimiter))) != width]
    last = max((i for i, line in enumerate(lines, 1) if line.strip()), default=0)
    while bad and bad[-1] == last and _is_note(lines[last - 1], delimiter):
        bad.pop()  # a note under the table: the table reader ends the table there
        last = max((i for i, line in enumerate(lines[:last - 1], 1) if line.strip()),
                   default=0)
    if not bad:
        return []  # quoted delimiters only
    return [Finding("ragged_rows", "error", Place.for_rows(None, bad),
                    {"count": len(bad), "width": width})]
