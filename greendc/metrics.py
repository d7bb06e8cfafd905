"""Energy metrics over a submission's energy table.

Pure functions over pandas objects: they take canonical columns (``facility_energy_kwh``,
``it_energy_kwh`` ...), never mutate their input and know nothing of files or rules.

References
----------
ISO/IEC 30134-2:2016, Power usage effectiveness (PUE).
EN 50600-4-2:2016, Power Usage Effectiveness.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FACILITY = "facility_energy_kwh"
IT = "it_energy_kwh"


def pue(facility_energy_kwh, it_energy_kwh) -> float:
    """Energy-weighted power usage effectiveness.

    PUE = sum(E_DC) / sum(E_IT) over the same periods: the ratio of sums, never the mean of
    per-interval ratios.

    Parameters
    ----------
    facility_energy_kwh : scalar or array of facility total energy [kWh]
    it_energy_kwh : scalar or array of IT energy over the same periods [kWh]

    Returns
    -------
    float
        PUE [-]; NaN when the IT energy sums to zero.

    Examples
    --------
    >>> round(pue(950_000, 620_000), 4)
    1.5323
    """
    total_it = float(np.sum(it_energy_kwh))
    if total_it <= 0:
        return float("nan")
    return float(np.sum(facility_energy_kwh)) / total_it


def complete(energy: pd.DataFrame) -> pd.DataFrame:
    """Rows where both facility-total and IT energy are present: the base of every ratio."""
    return energy.loc[energy[FACILITY].notna() & energy[IT].notna()]


def monthly(energy: pd.DataFrame) -> pd.DataFrame:
    """Calendar-month sums of every energy column, and the month's PUE.

    Parameters
    ----------
    energy : DataFrame indexed by period start with canonical columns [kWh, m3, L, degC]

    Returns
    -------
    DataFrame indexed by month start: the sums of the summable columns over complete rows,
    ``periods`` (rows used) and ``pue``.  Temperatures are averaged, not summed.  A month inside
    the span without complete rows is kept, with ``periods`` 0 and NaN sums, so gaps stay visible.
    """
    base = complete(energy)
    summable = [c for c in base.columns if not c.endswith("_degc")]
    temperatures = [c for c in base.columns if c.endswith("_degc")]
    months = base.resample("MS")
    out = months[summable].sum(min_count=1)
    if temperatures:
        out[temperatures] = months[temperatures].mean()
    out["periods"] = months[FACILITY].count()
    out["pue"] = out[FACILITY] / out[IT].where(out[IT] > 0)
    out.index.name = "month"
    return out


def totals(energy: pd.DataFrame) -> dict[str, float]:
    """Sums of every summable column over complete rows [kWh, m3, L]."""
    base = complete(energy)
    return {c: float(base[c].sum(min_count=1)) for c in base.columns if not c.endswith("_degc")}
