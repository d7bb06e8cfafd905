"""``greendc-columns.toml``: the column mapping a reviewer leaves in the inbox.

::

    # applies to every file of the inbox
    year = 2025
    [columns]
    facility = "总进线电量"
    it = "C"

    # applies to one file (its name under the inbox), on top of the above
    [files."2025/某公司能耗.xlsx"]
    year = 2024
    columns = { it = "Server hall load" }

Roles are the short names of ``greendc assess --help`` (``facility``, ``it`` ...); a target is
a header text or a column letter.  Options given on the command line win over the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from greendc.errors import ConfigError
from greendc.reference.columns import role_named
from greendc.reference.options import Options

MAPPING_FILE = "greendc-columns.toml"


@dataclass(frozen=True)
class MappingFile:
    """The inbox's mapping: for every file, and per file name."""

    columns: tuple[tuple[str, str], ...] = ()
    year: int | None = None
    files: dict[str, tuple[tuple[tuple[str, str], ...], int | None]] = field(
        default_factory=dict)

    def options_for(self, name: str, options: Options) -> Options:
        """``options`` with this file's mapping for ``name`` under the command line's.

        Parameters
        ----------
        name : str
            The item's name under the inbox (``folder/file.xlsx``, ``bundle.zip!member``).
        options : Options
            The batch's options (from the command line).

        Returns
        -------
        Options
            With ``columns``: per role, the command line's columns, else the file's for this
            file, else the file-wide ones; ``year`` likewise.
        """
        columns, year = self.files.get(name) or self.files.get(name.split("!")[0], ((), None))
        by_role: dict[str, tuple[tuple[str, str], ...]] = {}
        for pairs in (self.columns, columns, options.columns):  # a later source wins per role
            given: dict[str, tuple[tuple[str, str], ...]] = {}
            for role, target in pairs:
                key = role_named(role) or role
                given[key] = (*given.get(key, ()), (role, target))
            by_role.update(given)
        merged = tuple(pair for pairs in by_role.values() for pair in pairs)
        chosen = options.year if options.year is not None else (year or self.year)
        if merged == options.columns and chosen == options.year:
            return options
        return replace(options, columns=merged, year=chosen)


def _pairs(table: object, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ConfigError(f"{where}: [columns] must map roles to header texts or letters")
    return tuple((str(k), v) for k, v in table.items())


def _year(value: object, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 1990 <= value <= 2100:
        raise ConfigError(f"{where}: year must be a whole year such as 2025")
    return value


def read_mapping_file(inbox: Path) -> MappingFile:
    """The inbox's ``greendc-columns.toml``; an empty mapping when there is none.

    Parameters
    ----------
    inbox : Path
        The batch's inbox folder.

    Returns
    -------
    MappingFile
        The mapping for every file and per file.

    Raises
    ------
    ConfigError
        The file is not valid TOML or names an unknown role.
    """
    path = inbox / MAPPING_FILE
    if not path.is_file():
        return MappingFile()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    files = {}
    for name, spec in (data.get("files") or {}).items():
        where = f'{path} [files."{name}"]'
        files[name] = (_pairs(spec.get("columns", {}), where), _year(spec.get("year"), where))
    mapping = MappingFile(_pairs(data.get("columns", {}), str(path)),
                          _year(data.get("year"), str(path)), files)
    for pairs, _ in [(mapping.columns, None), *files.values()]:
        Options(columns=pairs).column_mapping()  # unknown roles fail now, not per file
    return mapping
