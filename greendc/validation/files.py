"""``greendc validate``: read and check files without assessing them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from greendc.errors import InputError
from greendc.findings import Finding, Place
from greendc.reading.read import read_submission
from greendc.reading.sniff import Source
from greendc.reference.options import Options
from greendc.validation.checks import validate
from greendc.validation.period import select_reporting_period
from greendc.validation.usable import usable_periods


@dataclass
class FileCheck:
    """What ``greendc validate`` reports for one file."""

    path: Path
    findings: list[Finding]

    @property
    def usable(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict:
        return {"file": str(self.path), "usable": self.usable,
                "errors": [f.to_dict() for f in self.findings if f.severity == "error"],
                "findings": [f.to_dict() for f in self.findings if f.severity != "error"]}


def check_file(source: Source, options: Options | None = None, *,
               name: str | None = None) -> FileCheck:
    """Read and validate one file; an unreadable file becomes one located error finding.

    Parameters
    ----------
    source : a path, bytes or a binary file object (see :func:`~greendc.reading.read_submission`)
    options : the run's options (extra column names, limits)
    name : the name the file goes by (default: the path)

    Returns
    -------
    FileCheck
        Every finding of the reader and the data checks; ``usable`` when none is an error.
    """
    path = Path(name or (source if isinstance(source, str | Path) else
                         getattr(source, "name", None) or "submission"))
    try:
        sub = read_submission(source, options, name=name)
    except InputError as exc:
        return FileCheck(path, [Finding("input_error", "error", exc.place,
                                        {"message": exc.message, "code": exc.code,
                                         "message_en": exc.text("en"),
                                         "message_zh": exc.text("zh")})])
    sub, cut = select_reporting_period(sub)
    if sub.energy.empty:  # every row was refused (errors say why) or lies outside the period
        own = [] if any(f.severity == "error" for f in sub.findings) else [
            Finding("no_data_in_period", "error", Place(sheet=sub.energy_sheet))]
        return FileCheck(path, [*sub.findings, *cut, *own])
    return FileCheck(path, validate(sub) + cut + usable_periods(sub)[1])
