"""Options: every choice a user can make that changes a result, as one explicit value.

The CLI builds one :class:`Options` and passes it to :func:`greendc.assess` (and batch passes it
to every worker); no module keeps settings of its own.  :meth:`Options.key` names the options for
the batch registry, so that a file assessed under other options is assessed again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from greendc.errors import ConfigError
from greendc.reference.columns import Aliases, role_named
from greendc.reference.columns import columns as column_roles
from greendc.reference.settings import Limits


@dataclass(frozen=True)
class Options:
    """Choices that change figures or verdicts, all recorded in the result or the registry.

    Parameters
    ----------
    aliases : extra column names, (role, names) pairs (:func:`~greendc.reference.columns.
        read_alias_file`); they win over the built-in names
    limits : :class:`~greendc.reference.settings.Limits` for this run (file size, rows ...)
    criteria : rule packs to check (built-in ids or ``.toml`` paths); None picks the packs that
        apply to the facility's location, an empty tuple checks none
    grid : a grid-factor choice from :func:`~greendc.reference.factors.parse_grid_choice`
        (empty: chosen by rule from the province and the reporting year)
    coal_equal_value_kgce_per_kwh : the year's equal-value coal coefficient [kgce/kWh], when the
        user gives it
    columns : explicit column mapping, (role, header) pairs: the role's short or canonical name
        (``it``, ``it_energy_kwh``) and the header text or column letter (``C``) it is in; they
        win over every name and over recognition by meaning
    year : the year of periods written without one (``1月``, ``Jan``), when the file does not
        say it
    """

    aliases: Aliases = ()
    limits: Limits = field(default_factory=Limits)
    criteria: tuple[str, ...] | None = None
    grid: dict[str, Any] = field(default_factory=dict)
    coal_equal_value_kgce_per_kwh: float | None = None
    columns: tuple[tuple[str, str], ...] = ()
    year: int | None = None

    def column_mapping(self) -> dict[str, tuple[str, ...]]:
        """The ``columns`` mapping as canonical role -> header texts or column letters (a role
        given several columns is read from several meters, summed).

        Raises
        ------
        ConfigError
            A role name is unknown (the message lists the roles).
        """
        out = {}
        for name, target in self.columns:
            role = role_named(name)
            if role is None:
                known = ", ".join(c.short for c in column_roles().values())
                raise ConfigError(f"--column {name}=...: unknown role {name!r}; roles: {known}")
            out[role] = (*out.get(role, ()), target)
        return out

    def key(self) -> str:
        """A short stable digest of every option that can change a result."""
        described = {"aliases": [[role, list(names)] for role, names in self.aliases],
                     "limits": sorted(self.limits.changes), "criteria": self.criteria,
                     "grid": self.grid, "coal": self.coal_equal_value_kgce_per_kwh,
                     "columns": [list(pair) for pair in self.columns], "year": self.year}
        text = json.dumps(described, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
