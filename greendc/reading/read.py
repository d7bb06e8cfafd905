"""The reader's entry point: a submission file, from a path, bytes or a file object."""

from __future__ import annotations

from greendc.reading.csvfile import read_csv
from greendc.reading.sniff import Source, file_type, load_source
from greendc.reading.submission import Submission
from greendc.reading.workbook import read_workbook
from greendc.reference.options import Options


def read_submission(source: Source, options: Options | None = None, *,
                    name: str | None = None) -> Submission:
    """Read a submission workbook (.xlsx, .xlsm, .xls) or a CSV/TXT file of the Energy table.

    Parameters
    ----------
    source : a path, the file's bytes, or a binary file object
    options : the run's options (extra column names, limits); default options when None
    name : the name the file goes by in messages (default: the path or the file object's name);
        needed with bytes of a text file, whose type is told by the extension

    Returns
    -------
    Submission
        Facility fields, the energy table in canonical units [kWh, m3, degC] indexed by period
        start, the record tables, and every cell-level problem as a located finding.

    Raises
    ------
    InputError
        The file cannot be read, has no energy table, lacks facility-total or IT energy, or a
        header names a unit greendc does not know.

    Examples
    --------
    >>> read_submission("site.xlsx")  # doctest: +SKIP
    >>> read_submission(open("site.csv", "rb"))  # doctest: +SKIP
    """
    options = options or Options()
    loaded = load_source(source, options.limits, name)
    kind = file_type(loaded.path, loaded.data)
    if kind == "csv":
        return read_csv(loaded.path, loaded.data, loaded.sha256, options)
    return read_workbook(loaded.path, loaded.data, loaded.sha256, kind, options)
