"""Batch mode: many submissions in, one report each plus a summary, overview and error list.

:mod:`.run` holds :func:`run_batch` and what one file's assessment records; :mod:`.inputs`
finds the files (archives read in memory); :mod:`.pool` is the supervised pool of worker
processes; :mod:`.registry` the SQLite registry of runs and results; :mod:`.outputs` writes
``summary.xlsx``, ``errors.csv`` and ``index.html``.
"""

from greendc.batch.inputs import Item, discover
from greendc.batch.outputs import safe_name
from greendc.batch.registry import history
from greendc.batch.run import BatchOptions, BatchResult, assess_item, run_batch

__all__ = [
    "BatchOptions",
    "BatchResult",
    "Item",
    "assess_item",
    "discover",
    "history",
    "run_batch",
    "safe_name",
]
