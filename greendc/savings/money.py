"""What a saving is worth: coal equivalent, CO2, money and payback."""

from __future__ import annotations

from typing import Any

from greendc.reference.settings import setting


def add_money(entry: dict[str, Any], money: dict[str, Any], key: str = "kwh") -> None:
    """tce, tCO2, CNY and payback for the saving in ``entry[key]`` (or the deemed range).

    Parameters
    ----------
    entry : dict
        A measure, total or target entry, changed in place: ``tce`` [tce], ``tco2`` [tCO2],
        ``cny`` [CNY] and ``payback_years`` [a] are set (None where an input is missing), and
        for measured savings the declared excess [-] and its flag.
    money : dict
        ``coal_kgce_per_kwh`` [kgce/kWh], ``grid_kgco2_per_kwh`` [kgCO2/kWh] (or None) and
        ``price`` [CNY/kWh] (or None).
    key : str
        The entry's saving [kWh]; when it is None the middle of ``kwh_low`` and ``kwh_high``.
    """
    kwh = entry.get(key)
    if kwh is None and entry.get("kwh_low") is not None:
        kwh = (entry["kwh_low"] + entry["kwh_high"]) / 2  # the range's middle, labelled
        entry["money_basis"] = "middle of the deemed range"
    coal, grid, price = money["coal_kgce_per_kwh"], money["grid_kgco2_per_kwh"], money["price"]
    entry["tce"] = kwh * coal / 1000 if kwh is not None else None
    entry["tco2"] = kwh * grid / 1000 if kwh is not None and grid is not None else None
    entry["cny"] = kwh * price if kwh is not None and price else None
    investment = entry.get("investment_cny")
    entry["payback_years"] = (investment / entry["cny"]
                              if investment and entry.get("cny") and entry["cny"] > 0 else None)
    if entry.get(key) is None and entry.get("kwh_low") is not None and entry["kwh_low"] <= 0:
        entry["payback_years"] = None  # the middle of "0 to X" is no saving to pay back from
        entry["payback_withheld"] = "deemed_range_from_zero"
    spread = entry.get("uncertainty") or {}
    if entry.get(key) is not None and spread.get("kwh_68") is not None and (
            entry[key] - spread["kwh_68"] <= 0):
        entry["payback_years"] = None  # no saving is within the figure's 68 % interval
        entry["payback_withheld"] = "interval_reaches_zero"
    declared, measured = entry.get("declared_kwh"), entry.get("kwh")
    limit = setting("savings", "declared_excess_flag")
    if declared and measured is not None and key == "kwh" and entry.get("method") != "it_side":
        entry["declared_excess"] = declared / measured - 1 if measured > 0 else float("inf")
        entry["declared_flag"] = bool(declared > measured * (1 + limit))
