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

from greendc.reference.columns import Aliases
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
    """

    aliases: Aliases = ()
    limits: Limits = field(default_factory=Limits)
    criteria: tuple[str, ...] | None = None
    grid: dict[str, Any] = field(default_factory=dict)
    coal_equal_value_kgce_per_kwh: float | None = None

    def key(self) -> str:
        """A short stable digest of every option that can change a result."""
        described = {"aliases": [[role, list(names)] for role, names in self.aliases],
                     "limits": sorted(self.limits.changes), "criteria": self.criteria,
                     "grid": self.grid, "coal": self.coal_equal_value_kgce_per_kwh}
        text = json.dumps(described, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
