"""The formulas of the metrics: pure functions over plain numbers and arrays.

Pure functions over numpy arrays and plain numbers: they take canonical quantities
(``facility_energy_kwh``, ``it_energy_kwh`` ...), never mutate their input and know nothing of
files, factor tables or rules.  Every ratio is formed from sums over the same periods.

References
----------
ISO/IEC 30134-2:2016, Power usage effectiveness (PUE).
ISO/IEC 30134-3:2016, Renewable energy factor (REF).
ISO/IEC 30134-6:2021, Energy reuse factor (ERF).
ISO/IEC 30134-8:2022, Carbon usage effectiveness (CUE).
ISO/IEC 30134-9:2022, Water usage effectiveness (WUE).
EN 50600-4-2:2016, Power Usage Effectiveness (boundary, fuels).
The Green Grid, White Paper 29: ERE, a metric for measuring the benefit of reuse energy.
GB 40879-2021, 数据中心能效限定值及能效等级 (RM1, RM2).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from greendc.reference.names import COOLING, DC, IT, OTHER, POWER_LOSSES

HOURS_PER_YEAR = 8760  # GB 40879-2021 RM1: E_C = 8760 x sum(T_i P_i) (hours of a year)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator and denominator > 0 else np.nan


def pue(facility_energy_kwh, it_energy_kwh) -> float:
    """Energy-weighted power usage effectiveness.

    PUE = sum(E_DC) / sum(E_IT) over the same periods: the ratio of sums, never the mean of
    per-interval ratios.

    Parameters
    ----------
    facility_energy_kwh : scalar or array of data-centre energy E_DC [kWh]
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
    return _ratio(np.sum(facility_energy_kwh), np.sum(it_energy_kwh))


def dcie(dc_energy_kwh: float, it_energy_kwh: float) -> float:
    """Data-centre infrastructure efficiency, E_IT / E_DC [%] (= 100 / PUE).

    Parameters
    ----------
    dc_energy_kwh : float
        Data-centre energy E_DC [kWh].
    it_energy_kwh : float
        IT energy over the same periods [kWh].

    Returns
    -------
    float
        DCiE [%]; NaN when ``dc_energy_kwh`` is not positive.
    """
    return 100 * _ratio(it_energy_kwh, dc_energy_kwh)


def load_factors(totals: Mapping[str, float]) -> dict[str, float]:
    """Cooling, power and other load factors and the unmetered remainder, each per kWh of IT.

    CLF = E_cooling / E_IT, PLF = E_power_losses / E_IT, OLF = E_other / E_IT; the remainder
    (E_DC - E_IT - metered subsystems) / E_IT is what the sub-meters do not explain, so that
    PUE = 1 + CLF + PLF + OLF + remainder exactly.  Missing sub-meters give NaN factors and
    their energy stays in the remainder.

    Parameters
    ----------
    totals : Mapping of str to float
        Energy sums by canonical column [kWh]; needs ``it_energy_kwh`` and ``dc_energy_kwh``,
        and may hold ``cooling_energy_kwh``, ``power_loss_energy_kwh``, ``other_energy_kwh``.

    Returns
    -------
    dict of str to float
        ``clf``, ``plf``, ``olf``, ``unmetered`` and ``ppue_cooling`` (1 + CLF) [-]; NaN for an
        absent sub-meter or when the IT energy is not positive.
    """
    it = totals[IT]
    parts = {"clf": COOLING, "plf": POWER_LOSSES, "olf": OTHER}
    out = {name: _ratio(totals[col], it) if col in totals else np.nan
           for name, col in parts.items()}
    metered = sum(totals[col] for col in parts.values() if col in totals)
    out["unmetered"] = _ratio(totals[DC] - it - metered, it)
    out["ppue_cooling"] = 1 + out["clf"]
    return out


def wue(water_m3: float, it_energy_kwh: float) -> float:
    """Water usage effectiveness, site water over IT energy [L/kWh] (ISO/IEC 30134-9).

    Parameters
    ----------
    water_m3 : float
        Site water use [m3].
    it_energy_kwh : float
        IT energy over the same periods [kWh].

    Returns
    -------
    float
        WUE [L/kWh]; NaN when the IT energy is not positive.
    """
    return _ratio(water_m3 * 1000, it_energy_kwh)


def ref(renewable_owned_kwh: float, dc_energy_kwh: float) -> float:
    """Renewable energy factor [-], capped at 1 (ISO/IEC 30134-3).

    Only renewable energy the facility owns and retires counts: on-site generation it uses and
    green electricity whose certificates it holds, not certificates sold to others.

    Parameters
    ----------
    renewable_owned_kwh : float
        Renewable energy owned and retired by the facility [kWh].
    dc_energy_kwh : float
        Data-centre energy E_DC over the same periods [kWh].

    Returns
    -------
    float
        REF [-], at most 1; NaN when ``dc_energy_kwh`` is not positive.
    """
    return min(1.0, _ratio(renewable_owned_kwh, dc_energy_kwh))


def erf(reused_kwh: float, dc_energy_kwh: float) -> float:
    """Energy reuse factor, reused energy over E_DC [-] (ISO/IEC 30134-6).

    Parameters
    ----------
    reused_kwh : float
        Energy reused outside the data centre [kWh].
    dc_energy_kwh : float
        Data-centre energy E_DC over the same periods [kWh].

    Returns
    -------
    float
        ERF [-]; NaN when ``dc_energy_kwh`` is not positive.
    """
    return _ratio(reused_kwh, dc_energy_kwh)


def ere(dc_energy_kwh: float, reused_kwh: float, it_energy_kwh: float) -> float:
    """Energy reuse effectiveness, (E_DC - E_reuse) / E_IT [-] (The Green Grid).

    Parameters
    ----------
    dc_energy_kwh : float
        Data-centre energy E_DC [kWh].
    reused_kwh : float
        Energy reused outside the data centre over the same periods [kWh].
    it_energy_kwh : float
        IT energy over the same periods [kWh].

    Returns
    -------
    float
        ERE [-]; NaN when the IT energy is not positive.

    Examples
    --------
    >>> round(ere(1_250_000, 210_000, 820_000), 4)
    1.2683
    """
    return _ratio(dc_energy_kwh - reused_kwh, it_energy_kwh)


def it_utilisation(it_energy_kwh: float, hours: float, design_it_capacity_kw: float) -> float:
    """Mean IT power over the design (nameplate) IT capacity [-].

    Parameters
    ----------
    it_energy_kwh : float
        IT energy over the period [kWh].
    hours : float
        Length of the period [h].
    design_it_capacity_kw : float
        Design IT capacity [kW].

    Returns
    -------
    float
        Utilisation [-]; NaN when ``hours`` or the capacity is not positive (or NaN).
    """
    return _ratio(_ratio(it_energy_kwh, hours), design_it_capacity_kw)


def rack_occupancy(racks_in_use: float, racks_installed: float) -> float:
    """Racks in use over racks installed [-] (上架率).

    Parameters
    ----------
    racks_in_use : float
        Number of racks in use.
    racks_installed : float
        Number of racks installed.

    Returns
    -------
    float
        Occupancy [-]; NaN when no rack is installed.
    """
    return _ratio(racks_in_use, racks_installed)


def rm1(hours_share, total_power_kw, it_power_kw) -> float:
    """GB 40879-2021 RM1 = E_C / E_CIT from characteristic operating points.

    E_C = 8760 x sum_i(T_i x P_i) and E_CIT = 8760 x sum_i(T_i x P_IT,i), with T_i the share
    of the year's hours in the temperature band of point i and P_i, P_IT,i the measured total
    and IT power there.  The 8760 cancels in the ratio; it is kept to match the standard.

    Parameters
    ----------
    hours_share : array_like of float
        Share T_i of the year's hours at each operating point [-].
    total_power_kw : array_like of float
        Measured total power P_i at each point [kW].
    it_power_kw : array_like of float
        Measured IT power P_IT,i at each point [kW].

    Returns
    -------
    float
        RM1 [-]; NaN when E_CIT is not positive.
    """
    shares = np.asarray(hours_share, dtype=float)
    e_c = HOURS_PER_YEAR * float(np.sum(shares * np.asarray(total_power_kw, dtype=float)))
    e_cit = HOURS_PER_YEAR * float(np.sum(shares * np.asarray(it_power_kw, dtype=float)))
    return _ratio(e_c, e_cit)
