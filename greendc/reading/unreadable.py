"""The error for a file in which no energy table is found: what was seen, and what would help.

It lists the headers of the row that looked most like a header, each with greendc's best guess,
and the ``--column`` options that would make the file readable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from greendc.errors import InputError
from greendc.findings import Place, input_error
from greendc.reading.headers import HEADER_SCAN_ROWS, header_texts
from greendc.reading.recognise import Recognition, recognise
from greendc.reference.columns import columns as column_roles
from greendc.reference.messages import message
from greendc.reference.names import FACILITY, IT, PERIOD
from greendc.reference.options import Options

MAX_SHOWN = 12
_UNKNOWN = {"en": "?", "zh": "？"}
_NOT_ENERGY = {"en": "not energy", "zh": "非能耗"}
_PLACEHOLDER = {"en": "HEADER", "zh": "表头"}


def _guess(found: Recognition, lang: str) -> str:
    if found.role:
        return column_roles()[found.role].short
    if found.excluded:
        return _NOT_ENERGY[lang]
    best = found.best_guess()
    return f"{column_roles()[best[0]].short}{_UNKNOWN[lang]}" if best else _UNKNOWN[lang]


def no_table_error(path: Path, key: str, place: Place | None,
                   seen: list[tuple[str | None, list[Recognition]]], **params) -> InputError:
    """The ``no_energy_table`` error, listing the headers seen and the options that would help.

    Parameters
    ----------
    path : Path
        The file.
    key : str
        ``no_energy_table`` (workbooks) or ``no_energy_table_text`` (text files).
    place : Place or None
        Where to point.
    seen : list
        (sheet, recognitions of its most header-like row) per sheet searched.
    params : the message's other parameters (``rows``)

    Returns
    -------
    InputError
        With code ``no_energy_table``.
    """
    found = [(sheet, r) for sheet, recognitions in seen for r in recognitions]
    params.setdefault("rows", HEADER_SCAN_ROWS)
    if not found:
        return input_error(path, key, place, code="no_energy_table", seen="", **params)
    shown = found[:MAX_SHOWN]
    headers = {lang: ", ".join(f'"{r.text}" ({_guess(r, lang)})' for _, r in shown)
               + (" …" if len(found) > MAX_SHOWN else "") for lang in ("en", "zh")}
    options = {}
    for lang in ("en", "zh"):
        picks = []
        for role in (PERIOD, FACILITY, IT):
            best = _best_for(role, [r for _, r in found])
            picks.append(f'--column {column_roles()[role].short}="{best or _PLACEHOLDER[lang]}"')
        options[lang] = " ".join(picks)
    seen_text = {lang: _seen(lang, headers[lang], options[lang]) for lang in ("en", "zh")}
    return input_error(path, key, place, code="no_energy_table", seen=seen_text, **params)


def best_guesses(grid: list[tuple[int, list[Any]]], options: Options) -> list[Recognition]:
    """The recognitions of the row that looks most like a header (the most texts), for an
    error that lists what was seen.

    Parameters
    ----------
    grid : list
        (1-based row number, cell values) of the first rows of a sheet.
    options : Options
        The run's options (extra column names, the column limit).

    Returns
    -------
    list of Recognition
        One per text of that row, in column order; empty when the rows hold no text.
    """
    width = options.limits["max_columns"]
    rows = [header_texts(row, width) for _, row in grid]
    best = max(rows, key=len, default={})
    return [recognise(t, options.aliases) for t in best.values()]


def _best_for(role: str, found: list[Recognition]) -> str | None:
    scored = [(dict(r.candidates).get(role, 0.0) + (10.0 if r.role == role else 0.0), r.text)
              for r in found if not r.excluded]
    scored = [s for s in scored if s[0] > 0]
    return max(scored)[1] if scored else None


def _seen(lang: str, headers: str, options: str) -> str:
    return message("input.headers_seen", lang, headers=headers, options=options)
