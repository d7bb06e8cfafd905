"""Energy tables aggregated: the boundary columns, calendar months and days, totals.

Pure functions over the canonical energy DataFrame (period-start index, columns such as
``facility_energy_kwh``): they never mutate their input and know nothing of files, factor tables
or rules.  Every ratio is formed from sums over the same complete periods.

References
----------
ISO/IEC 30134-2:2016, Power usage effectiveness (PUE): energy-weighted, over 12 months.
EN 50600-4-2:2016, Power Usage Effectiveness (boundary, fuels).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from greendc.reference.columns import is_summable
from greendc.reference.names import DC, FACILITY, FUEL, IT

ONSITE = "onsite_renewable_kwh"


def boundary_energy(energy: pd.DataFrame,
                    fuel_kwh_per_unit: Mapping[str, float]) -> pd.DataFrame:
    """``energy`` with ``fuel_energy_kwh`` and ``dc_energy_kwh`` (E_DC) columns added.

    E_DC = facility electricity + sum(fuel quantity x energy content) for the fuel columns
    present (EN 50600-4-2: fuels entering the boundary count).  A missing fuel reading counts as
    no fuel in that period.

    Parameters
    ----------
    energy : DataFrame
        Canonical energy table indexed by period start; needs ``facility_energy_kwh`` [kWh].
    fuel_kwh_per_unit : Mapping of str to float
        Energy content per unit of each fuel column [kWh/L, kWh/m3]; columns absent from
        ``energy`` are skipped.

    Returns
    -------
    DataFrame
        A copy of ``energy`` with ``fuel_energy_kwh`` [kWh] (0 when no fuel) and
        ``dc_energy_kwh`` [kWh] (NaN where the facility energy is missing); on-site generation
        above a period's facility energy is cut to it (the rest was exported: it is neither
        renewable energy used, ISO/IEC 30134-3, nor a negative grid import).
    """
    out = energy.copy()
    fuel = pd.Series(0.0, index=energy.index)
    for column, factor in fuel_kwh_per_unit.items():
        if column in energy:
            fuel = fuel + energy[column].fillna(0.0) * factor
    out[FUEL] = fuel
    if ONSITE in out:  # generation above the period's use left the site: export, not use
        out[ONSITE] = out[ONSITE].where(~(out[ONSITE] > out[FACILITY]), out[FACILITY])
    out[DC] = energy[FACILITY] + fuel
    return out


def complete(energy: pd.DataFrame) -> pd.DataFrame:
    """Rows where both facility-total and IT energy are present: the base of every ratio.

    Parameters
    ----------
    energy : DataFrame
        Canonical energy table with ``facility_energy_kwh`` and ``it_energy_kwh`` [kWh].

    Returns
    -------
    DataFrame
        The rows of ``energy`` (same index and columns) where neither of the two is NaN.
    """
    return energy.loc[energy[FACILITY].notna() & energy[IT].notna()]


def _resampled(energy: pd.DataFrame, freq: str) -> pd.DataFrame:
    base = complete(energy)
    summable = [c for c in base.columns if is_summable(c)]
    temperatures = [c for c in base.columns if not is_summable(c)]
    groups = base.resample(freq)
    out = groups[summable].sum(min_count=1)
    if temperatures:
        out[temperatures] = groups[temperatures].mean()
    out["periods"] = groups[FACILITY].count()
    numerator = out[DC] if DC in out else out[FACILITY]
    out["pue"] = numerator / out[IT].where(out[IT] > 0)
    return out


def monthly(energy: pd.DataFrame) -> pd.DataFrame:
    """Calendar-month sums of every energy column, and the month's PUE.

    Parameters
    ----------
    energy : DataFrame indexed by period start with canonical columns [kWh, m3, L, degC]

    Returns
    -------
    DataFrame indexed by month start: the sums of the summable columns over complete rows,
    ``periods`` (rows used), ``pue`` (from ``dc_energy_kwh`` when present) and ``ttm_pue``.
    Temperatures are averaged, not summed.  A month inside the span without complete rows is
    kept, with ``periods`` 0 and NaN sums, so gaps stay visible.
    """
    out = _resampled(energy, "MS")
    out.index.name = "month"
    numerator = DC if DC in out else FACILITY
    out["ttm_pue"] = trailing_pue(out[numerator], out[IT], 12)
    return out


def daily(energy: pd.DataFrame) -> pd.DataFrame:
    """Calendar-day sums and the day's PUE (for daily or finer data).

    Parameters
    ----------
    energy : DataFrame
        Canonical energy table indexed by period start [kWh, m3, L, degC].

    Returns
    -------
    DataFrame
        Indexed by day (``day``): sums of the summable columns over complete rows, mean
        temperatures [degC], ``periods`` (rows used) and ``pue`` [-] (NaN when IT energy is 0).
    """
    out = _resampled(energy, "D")
    out.index.name = "day"
    return out


def trailing_pue(dc_energy_kwh: pd.Series, it_energy_kwh: pd.Series, window: int) -> pd.Series:
    """PUE over each trailing window of ``window`` consecutive periods (e.g. 12 months).

    NaN until a full window of periods with both energies exists.

    Parameters
    ----------
    dc_energy_kwh : Series
        Data-centre energy E_DC per period [kWh].
    it_energy_kwh : Series
        IT energy over the same periods and index [kWh].
    window : int
        Number of consecutive periods in each window.

    Returns
    -------
    Series
        PUE [-] of the window ending at each period, same index; NaN where the window is not
        full (a NaN in either series breaks it) or its IT energy sums to zero.
    """
    dc = dc_energy_kwh.rolling(window, min_periods=window).sum()
    it = it_energy_kwh.rolling(window, min_periods=window).sum()
    return dc / it.where(it > 0)


def totals(energy: pd.DataFrame) -> dict[str, float]:
    """Sums of every summable column over complete rows [kWh, m3, L].

    Parameters
    ----------
    energy : DataFrame
        Canonical energy table indexed by period start.

    Returns
    -------
    dict of str to float
        Canonical column name to its sum [kWh, m3, L]; NaN when the column has no value in the
        complete rows.  Temperatures are left out.
    """
    base = complete(energy)
    return {c: float(base[c].sum(min_count=1)) for c in base.columns if is_summable(c)}


def consumption(energy: pd.DataFrame) -> dict[str, float]:
    """Sums of every summable column over the rows where facility energy is present.

    The base of the year's use (tce, CO2): a period whose IT meter is missing or read 0 is kept
    out of every ratio (:func:`totals`), but the energy the facility drew in it was still used.

    Parameters
    ----------
    energy : DataFrame
        Canonical energy table indexed by period start, with the boundary columns.

    Returns
    -------
    dict of str to float
        Canonical column name to its sum [kWh, m3, L] (NaN for a column with no value in those
        rows) and ``periods_without_it``, the rows summed here that :func:`totals` leaves out.
    """
    metered = energy[FACILITY].notna()
    base = energy.loc[metered]
    out = {c: float(base[c].sum(min_count=1)) for c in base.columns if is_summable(c)}
    out["periods_without_it"] = int((metered & energy[IT].isna()).sum())
    return out
