"""Reading the period column: dates as operators write them, never guessed.

Accepted: Excel date cells; ISO text (``2025-01``, ``2025-01-01 00:15``, with ``/`` or ``.``);
ISO with a UTC offset (converted to the facility's local time); Chinese ``2025年1月`` and
``2025年1月1日``; English months ``Jan-25``, ``Jan 2025``, ``January 2025``; ``dd.mm.yyyy``;
``yyyymm`` and ``yyyymmdd`` numbers; Excel serial numbers.  Anything else, including
``01/02/2025`` where day and month could swap, is an error naming the cell.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?"
                      r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})?\s*分?)?\s*$")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_EN_MONTH = re.compile(r"^([A-Za-z]{3,9})[-\s']+(\d{2}|\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$")
_SLASHED_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$")
ISO_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_MONTH_ONLY = re.compile(r"^\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?\s*$")
_CN_NUMBERS = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_MONTH_NAMES = {**{m: i for m, i in _MONTHS.items()},
                **{m.lower(): i for i, m in enumerate(
                    ["January", "February", "March", "April", "May", "June", "July", "August",
                     "September", "October", "November", "December"], 1)}, "sept": 9}
YEAR_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
EXCEL_SERIAL_RANGE = (20000, 80000)  # 1954-10-03 to 2119-01-10: plausible meter dates


def _cn(m: re.Match) -> str:
    text = f"{m[1]}-{int(m[2]):02d}-{int(m[3] or 1):02d}"
    if m[4]:
        text += f" {int(m[4]):02d}:{int(m[5] or 0):02d}"
    return text


def month_only(text: str) -> int | None:
    """The month of a period written without its year (``1月``, ``十二月``, ``Jan``, ``March``).

    Parameters
    ----------
    text : str
        A period cell's text.

    Returns
    -------
    int or None
        The month (1-12); None when the text is not a month without a year.

    >>> month_only("3月"), month_only("十二月"), month_only("Sept."), month_only("2025-03")
    (3, 12, 9, None)
    """
    m = _MONTH_ONLY.match(text)
    if m:
        digits = m[1]
        if digits.isdigit():
            month = int(digits)
        elif len(digits) == 1:
            month = _CN_NUMBERS[digits]
        else:  # 十一, 十二
            month = 10 + _CN_NUMBERS.get(digits[1], 0) if digits[0] == "十" else 0
        return month if 1 <= month <= 12 else None
    return _MONTH_NAMES.get(text.strip().rstrip(".").lower())


def parse_period_text(text: str) -> pd.Timestamp | None:
    """Unambiguous non-ISO spellings, or None.

    Parameters
    ----------
    text : str
        A stripped period cell, e.g. ``"2025年1月"``, ``"Jan-25"``, ``"25.01.2025"``,
        ``"202501"``.

    Returns
    -------
    Timestamp or None
        The naive period start (the 1st for a month); None when the text is none of these
        spellings or could be read two ways.  An impossible date (``2025年13月``) may raise
        ValueError or OutOfBoundsDatetime, which the caller treats as unreadable.
    """
    m = _CN_DATE.match(text)
    if m:
        return pd.Timestamp(_cn(m))
    m = _EN_MONTH.match(text)
    if m:
        month = _MONTHS.get(m[1][:3].lower())
        if month is None:
            return None
        year = int(m[2]) + (2000 if len(m[2]) == 2 else 0)
        return pd.Timestamp(year=year, month=month, day=1)
    m = _DOTTED.match(text)
    if m:
        return pd.Timestamp(year=int(m[3]), month=int(m[2]), day=int(m[1]),
                            hour=int(m[4] or 0), minute=int(m[5] or 0))
    m = _SLASHED_DMY.match(text)
    if m and int(m[1]) > 12 >= int(m[2]):  # 25/01/2025: only one reading is possible
        return pd.Timestamp(year=int(m[3]), month=int(m[2]), day=int(m[1]),
                            hour=int(m[4] or 0), minute=int(m[5] or 0))
    if re.fullmatch(r"\d{6}(?:\.0)?", text):
        year, month = int(text[:4]), int(text[4:6])
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            return pd.Timestamp(year=year, month=month, day=1)
    if re.fullmatch(r"\d{8}(?:\.0)?", text):
        try:
            return pd.Timestamp(dt.datetime.strptime(text[:8], "%Y%m%d"))
        except ValueError:
            return None
    return None


def parse_periods(raw: pd.Series, timezone: str,
                  year: int | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Naive local timestamps of the period column, a mask of unreadable cells, and notes.

    Notes name conversions the reader made (``utc_offsets``, ``excel_serials``) so that they
    travel into the result as findings.

    Parameters
    ----------
    raw : Series
        The period column as read (datetimes, dates, numbers or text).
    timezone : str
        The facility's time zone; stamps with a UTC offset are converted to it.

    Returns
    -------
    stamps : ndarray of datetime64[ns]
        One per cell of ``raw``; NaT for blank and unreadable cells.
    bad : ndarray of bool
        Cells that hold something but cannot be read (or lie outside 1678-2261).
    year : int, optional
        The year of months written without one (``1月``, ``Jan``); a month lower than the one
        before it starts the next year.  Without it such cells are unreadable and the notes
        say ``year_needed``.
    notes : list of str
        ``utc_offsets``, ``excel_serials``, ``months_without_year`` (read with ``year``) or
        ``year_needed`` when those conversions were made or needed.
    """
    notes: list[str] = []
    n = len(raw)
    if pd.api.types.is_datetime64_any_dtype(raw):
        stamps = pd.to_datetime(raw)
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_convert(timezone).dt.tz_localize(None)
            notes.append("utc_offsets")
        return (*_in_range(stamps.astype("datetime64[us]"), np.zeros(n, dtype=bool)), notes)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    bad = np.zeros(n, dtype=bool)
    is_stamp = raw.map(lambda v: isinstance(v, dt.datetime | dt.date)).to_numpy(dtype=bool)
    if is_stamp.any():
        out[is_stamp] = pd.to_datetime(raw[is_stamp].map(pd.Timestamp))
    numbers = pd.to_numeric(raw.where(~is_stamp), errors="coerce")
    serial = numbers.between(*EXCEL_SERIAL_RANGE).to_numpy()
    if serial.any():
        origin = pd.Timestamp("1899-12-30")
        out[serial] = origin + pd.to_timedelta(numbers[serial], unit="D").dt.round("s")
        notes.append("excel_serials")
    rest = ~is_stamp & ~serial & raw.notna().to_numpy()
    if rest.any():
        text = raw[rest].map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer()
                             else str(v).strip())
        offsets = text.str.contains(_OFFSET)
        if offsets.any():
            if not offsets.all():
                bad[np.flatnonzero(rest)[~offsets.to_numpy()]] = True
                text = text[offsets]
            local = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
            out[local.index] = local.dt.tz_convert(timezone).dt.tz_localize(None)
            notes.append("utc_offsets")
        else:
            iso = text.str.match(ISO_LIKE)
            parsed = pd.to_datetime(text[iso].str.replace(r"[/.]", "-", regex=True),
                                    format="ISO8601", errors="coerce")
            out[parsed.index] = parsed
            current, last_month, bare_months = year, 0, False
            for idx in text.index[~iso.to_numpy()]:
                try:
                    stamp = parse_period_text(text[idx])
                except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
                    stamp = None
                month = month_only(text[idx]) if stamp is None else None
                if month is not None:
                    bare_months = True
                    if current is not None:
                        current += month < last_month  # 7月 ... 12月, 1月: the next year
                        last_month = month
                        stamp = pd.Timestamp(year=current, month=month, day=1)
                if stamp is not None:
                    out[idx] = stamp
            if bare_months:
                notes.append("months_without_year" if year is not None else "year_needed")
    bad |= (out.isna().to_numpy() & raw.notna().to_numpy()
            & raw.map(lambda v: bool(str(v).strip())).to_numpy(dtype=bool))
    return (*_in_range(out, bad), notes)


_EARLIEST, _LATEST = pd.Timestamp("1678-01-01"), pd.Timestamp("2262-01-01")


def _in_range(stamps: pd.Series, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nanosecond timestamps; dates pandas cannot hold (years before 1678 or after 2261) are
    marked unreadable rather than wrapped around."""
    outside = (stamps.notna() & ((stamps < _EARLIEST) | (stamps >= _LATEST))).to_numpy()
    stamps = stamps.where(~outside)
    return stamps.to_numpy(dtype="datetime64[ns]"), bad | outside


_STEPS = (
    ("5min", pd.Timedelta(minutes=5)),
    ("15min", pd.Timedelta(minutes=15)),
    ("30min", pd.Timedelta(minutes=30)),
    ("hourly", pd.Timedelta(hours=1)),
    ("daily", pd.Timedelta(days=1)),
)


def infer_granularity(index: pd.DatetimeIndex) -> tuple[str, pd.DateOffset | pd.Timedelta]:
    """Name and step of the spacing of ``index``.

    Rows dated on the first of a month at midnight, at least 28 days apart, are monthly even when
    a month is missing.  Otherwise the most common difference decides, so that gaps do not turn
    15-minute data into something else.

    Parameters
    ----------
    index : DatetimeIndex
        Period starts, sorted.

    Returns
    -------
    name : str
        ``monthly``, ``daily``, ``hourly``, ``30min``, ``15min``, ``5min`` or ``irregular``.
    step : DateOffset or Timedelta
        One month, the matched step, the most common difference for irregular data, or 0
        when there are fewer than two distinct periods (and they are not month starts).
    """
    if len(index) == 0:
        return "irregular", pd.Timedelta(0)
    diffs = np.diff(index.asi8)  # in the index's unit; numpy, as this runs on every file
    diffs = diffs[diffs > 0]  # duplicated periods are reported elsewhere
    unit = pd.Timedelta(1, unit=index.unit)
    apart = diffs.size == 0 or diffs.min() * unit >= pd.Timedelta(days=28)
    if apart and bool(((index.day == 1) & (index == index.normalize())).all()):
        return "monthly", pd.DateOffset(months=1)
    if diffs.size == 0:
        return "irregular", pd.Timedelta(0)
    values, counts = np.unique(diffs, return_counts=True)
    typical = values[np.argmax(counts)] * unit  # the smallest of equally common steps
    if pd.Timedelta(days=27) <= typical <= pd.Timedelta(days=32):
        return "monthly", pd.DateOffset(months=1)
    for name, step in _STEPS:
        if typical == step:
            return name, step
    return "irregular", typical


def period_hours(index: pd.DatetimeIndex, granularity: str,
                 step: pd.DateOffset | pd.Timedelta) -> np.ndarray:
    """Hours in each period (calendar months for monthly data).

    Parameters
    ----------
    index : DatetimeIndex
        Period starts.
    granularity : str
        As given by :func:`infer_granularity`.
    step : DateOffset or Timedelta
        Length of one period; used unless the data are monthly.

    Returns
    -------
    ndarray of float
        Hours [h] of each period, same length as ``index``.
    """
    if granularity == "monthly":
        return index.days_in_month.to_numpy() * 24.0
    return np.full(len(index), step / pd.Timedelta(hours=1))


def year_hint(option: int | None, above: list, sheet: str | None,
              reporting_start: str | None) -> tuple[int, str] | None:
    """The year of months written without one, and where it came from.

    Parameters
    ----------
    option : int or None
        The user's ``--year``; it wins.
    above : list
        The rows above the table's header, (row number, cell values); their texts (the
        title) are searched in order.
    sheet : str or None
        The sheet's name.
    reporting_start : str or None
        The Facility sheet's reporting-period start (ISO date).

    Returns
    -------
    tuple or None
        (year, origin) with origin ``option``, ``title``, ``sheet`` or ``facility``; None when
        nothing gives a year.
    """
    if option is not None:
        return int(option), "option"
    for text in (v for _, row in above for v in row if isinstance(v, str)):
        m = YEAR_IN_TEXT.search(text)
        if m:
            return int(m[1]), "title"
    m = YEAR_IN_TEXT.search(sheet or "")
    if m:
        return int(m[1]), "sheet"
    if reporting_start:
        return int(str(reporting_start)[:4]), "facility"
    return None
