"""Reading: a submission file (workbook or text table) becomes a :class:`Submission`.

The reader knows files, sheets, headers and units; it knows nothing of metrics or rules.  It
finds the energy table wherever its header is, maps source headers to canonical column names
through the alias table (``columns.toml``, plus a user's names in
:class:`~greendc.reference.options.Options`), converts every value to the canonical unit of its
column, and records the sheet and row each value came from, so that every later finding can
name its place.

Structural problems (not a workbook, no energy table, no IT column, an unknown unit) raise
:class:`~greendc.errors.InputError`.  Cell-level problems (text in a number cell, an unreadable
date, a register running backwards) are collected as error findings, all of them in one pass.

The flow inside: :mod:`.sniff` (bytes and file type) -> :mod:`.workbook` or :mod:`.csvfile`
(tables found through :mod:`.headers`, cells through :mod:`.cells`, small sheets through
:mod:`.tables`) -> :mod:`.energy` (values, periods, units) -> :mod:`.assemble`.
"""

from greendc.reading.periods import infer_granularity
from greendc.reading.read import read_submission
from greendc.reading.sources import ColumnSource
from greendc.reading.submission import Submission

__all__ = ["ColumnSource", "Submission", "infer_granularity", "read_submission"]
