"""Settings of the assessment (``assessment.toml``) and the limits a run may change.

Each setting carries its source and confidence in the data file.  A user's changes for one run
(``--limit KEY=VALUE``) live in a :class:`Limits` value that travels inside
:class:`~greendc.reference.options.Options`; nothing here is changed at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from greendc.errors import ConfigError
from greendc.reference.loading import load_toml


@cache
def setting(section: str, key: str) -> Any:
    """A value of ``assessment.toml`` (sufficiency rules, tolerances and limits).

    Raises
    ------
    ConfigError
        The file has no such entry.
    """
    try:
        return load_toml("assessment.toml")[section][key]
    except KeyError:
        raise ConfigError(f"assessment.toml has no {section}.{key}") from None


def _defaults() -> dict[str, int | float]:
    return {k: v for k, v in load_toml("assessment.toml")["limits"].items()
            if isinstance(v, int | float) and not isinstance(v, bool)}


@dataclass(frozen=True)
class Limits:
    """The ``[limits]`` of ``assessment.toml`` with the changes a user made for one run.

    >>> Limits().changed("max_rows", 10)["max_rows"]
    10
    """

    changes: tuple[tuple[str, int | float], ...] = ()

    def __getitem__(self, key: str) -> int | float:
        for name, value in self.changes:
            if name == key:
                return value
        try:
            return _defaults()[key]
        except KeyError:
            raise ConfigError(f"assessment.toml has no limits.{key}") from None

    def changed(self, key: str, value: float) -> Limits:
        """These limits with ``key`` set to ``value``.

        Raises
        ------
        ConfigError
            ``key`` is not a limit, or ``value`` is not positive.
        """
        defaults = _defaults()
        if key not in defaults:
            raise ConfigError(f"unknown limit {key!r}; valid: {', '.join(defaults)}")
        if not value > 0:
            raise ConfigError(f"limit {key} must be positive, not {value}")
        kept = tuple((k, v) for k, v in self.changes if k != key)
        return Limits((*kept, (key, type(defaults[key])(value))))
