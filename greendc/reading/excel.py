"""Excel's coordinates and serial dates: column letters, date formats, serial numbers."""

from __future__ import annotations

import datetime as dt
import re

# Excel's built-in number formats that show dates.
BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35,
                        36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def column_index(letters: str) -> int:
    """0-based index of an Excel column: A -> 0, Z -> 25, AA -> 26.

    Parameters
    ----------
    letters : str
        Column letters, upper case (``"A"``, ``"AB"``).

    Returns
    -------
    int
        The 0-based column index.
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letter(index0: int) -> str:
    """Excel column letters of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA.

    Parameters
    ----------
    index0 : int
        The 0-based column index (not negative).

    Returns
    -------
    str
        The column letters, the inverse of :func:`column_index`.
    """
    letters = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def is_date_format(code: str) -> bool:
    """Whether an Excel number-format code shows a date or time.

    Parameters
    ----------
    code : str
        The number-format code, e.g. ``"yyyy-mm-dd"`` or ``"0.00"``.

    Returns
    -------
    bool
        True when, outside quoted text and brackets, the code holds y, m, d, h or s.
    """
    bare = _QUOTED.sub("", code).lower()
    return bare not in ("general", "") and any(ch in bare for ch in "ymdhs")


def excel_datetime(serial: float, date1904: bool = False) -> dt.datetime:
    """The datetime of an Excel serial number (1900 system, with Excel's 1900-02-29 quirk).

    Parameters
    ----------
    serial : float
        Days since the workbook's epoch; the fraction is the time of day.
    date1904 : bool
        True for a workbook in the 1904 date system.

    Returns
    -------
    datetime
        Naive datetime of the serial.
    """
    origin = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    if not date1904 and serial < 60:
        serial += 1  # Excel counts a 29 February 1900 that never was
    return origin + dt.timedelta(days=serial)
