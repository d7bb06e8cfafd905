"""Loading the data files shipped in ``greendc/reference/data/``: once per process, checked.

Nothing else in the package opens those files; every other module asks this one.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from greendc.errors import ConfigError

DATA_PACKAGE = "greendc.reference.data"


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Load ``greendc/reference/data/<name>`` as a dict, once per process.

    Parameters
    ----------
    name : file name inside the data folder, e.g. ``"columns.toml"``

    Returns
    -------
    dict
        The parsed file (shared: callers must not modify it).

    Raises
    ------
    ConfigError
        The file is missing or is not valid TOML.
    """
    try:
        text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
        return tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"greendc data file {name}: {exc}") from exc
