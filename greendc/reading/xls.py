"""Legacy .xls workbooks, read through python-calamine in a bounded child process.

python-calamine gives exact cell positions; it is native code, so it parses in a forked child
with a memory ceiling and a time limit (:mod:`~greendc.reading.isolate`), and a damaged file
that defeats it becomes a :class:`~greendc.reading.cells.SheetError`, not a crash.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from greendc.reading.cells import Row, SheetError
from greendc.reading.isolate import IsolationError, run_bounded
from greendc.reference.settings import Limits


def is_native_failure(exc: BaseException) -> bool:
    """Whether ``exc``, raised inside a call into a Rust-backed reader (python-calamine), means
    that the file defeated the reader: any Exception or a Rust panic (a PanicException is a
    BaseException).  An interrupt, an exit or a MemoryError is not a property of the file and
    is raised again.  Only reader calls are wrapped with this test, so a bug of greendc's own
    code never passes through it.

    Parameters
    ----------
    exc : BaseException
        What a reader call raised.

    Returns
    -------
    bool
        True when the file is to blame (the caller reports it); False for KeyboardInterrupt,
        SystemExit, MemoryError and other BaseExceptions, which the caller raises again.
    """
    if isinstance(exc, KeyboardInterrupt | SystemExit | MemoryError):
        return False
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _load_xls(data: bytes) -> tuple[list[str], set[str], dict[str, Any]]:
    """Every sheet of an .xls workbook as (start, rows), or a SheetError per unreadable sheet."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        hidden = {s.name for s in book.sheets_metadata
                  if str(s.visible).lower().endswith(("hidden", "veryhidden"))}
    except BaseException as exc:  # its own error types, and Rust panics on damaged files
        if not is_native_failure(exc):
            raise
        raise SheetError(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    sheets: dict[str, Any] = {}
    for name in names:
        try:
            sheet = book.get_sheet_by_name(name)
            sheets[name] = (sheet.start or (0, 0), sheet.to_python(skip_empty_area=False))
        except BaseException as exc:  # python-calamine's own errors and Rust panics
            if not is_native_failure(exc):
                raise
            sheets[name] = SheetError(f"sheet {name!r} cannot be read: {str(exc)[:200]}")
    return names, hidden, sheets


class XlsBook:
    """A legacy .xls workbook read through python-calamine (exact cell positions), parsed in a
    child process with a memory ceiling (see :mod:`greendc.reading.isolate`)."""

    def __init__(self, data: bytes, limits: Limits | None = None) -> None:
        try:
            self._names, self.hidden, self._sheets = run_bounded(limits or Limits(), _load_xls,
                                                                 data)
        except IsolationError as exc:
            raise SheetError(str(exc)) from None
        self.date1904 = False

    @property
    def sheet_names(self) -> list[str]:
        return list(self._names)

    def rows(self, sheet: str, max_rows: int | None = None) -> Iterator[Row]:
        loaded = self._sheets[sheet]
        if isinstance(loaded, SheetError):
            raise loaded
        (start_row, start_col), table = loaded
        for offset, cells in enumerate(table):
            number = start_row + offset + 1
            if max_rows is not None and number > max_rows:
                break
            values = [None] * start_col + [_calamine_value(c) for c in cells]
            while values and values[-1] is None:
                values.pop()
            if values:
                yield number, values

    def formula_cells_without_value(self, sheet: str, limit: int = 20) -> list[str]:
        return []  # .xls always stores formula results


def _calamine_value(value: Any) -> Any:
    if value == "" or value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.time):
        return None if value == dt.time() else value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
