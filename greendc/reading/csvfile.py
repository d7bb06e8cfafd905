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
    resolve_columns,
    units_row,
)
from greendc.reading.submission import Submission
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
    header = find_header(head, options)
    if header is None:
        if not head:
            raise input_error(path, "no_text_data", code="empty_file")
        raise input_error(path, "no_energy_table_text", code="no_energy_table",
                          rows=HEADER_SCAN_ROWS)
    index, cells = header
    header_line, header_cells = head[index]
    under = head[index + 1] if index + 1 < len(head) else None
    unit_row = units_row(under[1], cells) if under and under[0] == header_line + 1 else None
    columns, findings = resolve_columns(path, None, header_line, header_cells, cells,
                                        lambda i: str(i + 1), unit_row, None, options.aliases)
    if encoding.startswith("gb18030 after"):
        findings.append(Finding("encoding_mismatch", "warning", Place(), {}))
    positions = {c.position: c.role for c in cells}
    skip = header_line + (1 if unit_row else 0)
    body = [line for line in lines[skip:] if line.strip()]
    if not body:
        raise input_error(path, "no_data_rows", Place(row=header_line))
    findings += _ragged(lines, skip, len(header_cells), delimiter)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, skiprows=skip,
                            usecols=sorted(positions), skip_blank_lines=False,
                            dtype={p: object for p, r in positions.items() if r == "period_start"},
                            on_bad_lines="error", keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, ValueError) as exc:
        raise input_error(path, "bad_csv", error=str(exc)) from None
    frame = frame.rename(columns=positions)
    for role in positions.values():  # rows shorter than the header: the ragged error says so
        if role not in frame:
            frame[role] = None
    check_rows(path, None, len(frame), options.limits)
    rows = np.arange(len(frame)) + skip + 1
    raw = energy_tables.RawTable(None, columns, frame, rows, findings)
    timezone = setting("ingest", "default_timezone")
    return assemble(path, sha256, "csv", {}, [raw], timezone,
                     [Finding("no_facility_sheet", "info")])


def _ragged(lines: list[str], skip: int, width: int, delimiter: str) -> list[Finding]:
    """Rows with more or fewer fields than the header: an error naming them."""
    suspects = [i for i, line in enumerate(lines[skip:], start=skip + 1)
                if line.strip() and line.count(delimiter) != width - 1]
    if not suspects:
        return []
    bad = [n for n in suspects
           if len(next(csv.reader([lines[n - 1]], delimiter=delimiter))) != width]
    if not bad:
        return []  # quoted delimiters only
    return [Finding("ragged_rows", "error", Place.for_rows(None, bad),
                    {"count": len(bad), "width": width})]
