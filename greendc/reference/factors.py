"""Reference factors: grid CO2 emission factors, coal equivalent, fuels (``factors.toml``).

Each factor comes back as a :class:`Factor` that names its series, scope, year, source and
confidence, so that every figure computed with it can say which factor it used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from greendc.errors import FactorError
from greendc.reference.loading import load_toml
from greendc.reference.places import locate


@dataclass(frozen=True)
class Factor:
    """One reference value with its provenance."""

    name: str
    value: float
    unit: str
    series: str | None = None
    scope: str | None = None
    year: int | None = None
    source: str = ""
    confidence: str = ""
    source_zh: str = ""  # the source's citation in Chinese, for zh pages

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@cache
def _table() -> dict[str, Any]:
    return load_toml("factors.toml")


def grid_series() -> dict[str, dict[str, Any]]:
    return _table()["grid"]


def _factor(series_id: str, entry: dict[str, Any]) -> Factor:
    series = grid_series()[series_id]
    return Factor(name="grid", value=float(entry["value"]), unit=series["unit"],
                  series=series_id, scope=entry["scope"], year=int(entry["year"]),
                  source=series["source"], confidence=entry.get("confidence", ""),
                  source_zh=series.get("source_zh", ""))


def grid_factor(province: str | None, year: int, series: str = "mee-nbs",
                scope: str | None = None, factor_year: int | None = None) -> Factor:
    """The grid CO2 factor for a facility, chosen by rule unless scope and year are given.

    Rule: the latest data year not after ``year`` (or the earliest one, when every year is
    later) in which the series has a factor for the province, its regional grid or the nation;
    within that year the most specific of the three.
    """
    if series not in grid_series():
        raise FactorError(f"unknown grid factor series {series!r}; choose one of "
                          f"{', '.join(grid_series())}")
    values = grid_series()[series]["values"]
    region, prov = locate(province)
    wanted = [s for s in (scope,) if s] or [s for s in (prov, region, "national") if s]
    candidates = [v for v in values if v["scope"] in wanted
                  and (factor_year is None or v["year"] == factor_year)]
    if not candidates:
        raise FactorError(f"grid factor series {series!r} has no value for scope "
                          f"{'/'.join(wanted)}" + (f" in {factor_year}" if factor_year else ""))
    years = sorted({v["year"] for v in candidates})
    chosen_year = max((y for y in years if y <= year), default=years[0])
    in_year = [v for v in candidates if v["year"] == chosen_year]
    best = min(in_year, key=lambda v: wanted.index(v["scope"]))
    return _factor(series, best)


def site_grid_factor(country: str | None, province: str | None, year: int,
                     choice: dict[str, Any]) -> tuple[Factor | None, str | None]:
    """The grid factor for a site, or None when a built-in one would be a guess, and a note.

    Parameters
    ----------
    country, province : the Facility sheet's fields (either may be None)
    year : the reporting year
    choice : the run's grid options (:func:`parse_grid_choice`): a ``value``, or ``series``,
        ``scope`` and ``factor_year`` for :func:`grid_factor`

    Returns
    -------
    factor : Factor or None
        None for a site in a country the built-in series do not cover, or with neither a
        country nor a Chinese province (China's factor would be a guess).
    note : str or None
        Why a national average stands in for the site's grid: ``grid_factor_national`` (no
        province), ``grid_factor_national_unknown_province`` (a name greendc does not know),
        ``grid_factor_national_no_regional`` (no regional factor in the series); None otherwise.
    """
    if "value" in choice:
        return user_grid_factor(choice["value"]), None
    country = str(country or "").strip()
    if country and not covered_country(country):
        return None, None
    if not country and locate(province)[0] is None:
        return None, None
    factor = grid_factor(province, year, **choice)
    if factor.scope != "national" or choice.get("scope"):
        return factor, None
    if not province:
        return factor, "grid_factor_national"
    return factor, ("grid_factor_national_unknown_province" if locate(province) == (None, None)
                    else "grid_factor_national_no_regional")


def covered_country(country: str) -> bool:
    """Whether the built-in grid series cover a site in ``country`` (a code or a name).

    Parameters
    ----------
    country : the Facility sheet's country, e.g. ``CN``, ``中国``, ``DE``

    Returns
    -------
    bool
        True for the country the series were published for (``[provinces] country_names``).
    """
    names = {n.casefold() for n in _table()["provinces"]["country_names"]}
    return country.strip().casefold() in names


def residual_factor(year: int) -> Factor | None:
    """The national residual-mix factor for market-based CO2, latest year not after ``year``."""
    values = grid_series()["mee-nbs-residual"]["values"]
    earlier = [v for v in values if v["year"] <= year] or values
    return _factor("mee-nbs-residual", max(earlier, key=lambda v: v["year"]))


def parse_grid_choice(text: str) -> dict[str, Any]:
    """A user's ``--grid-factor``: a number [kgCO2/kWh] or ``SERIES[:SCOPE[:YEAR]]``."""
    try:
        value = float(text)
    except ValueError:
        parts = text.split(":")
        if len(parts) > 3 or not parts[0]:
            raise FactorError(f"--grid-factor {text!r}: give a number in kgCO2/kWh or "
                              "SERIES[:SCOPE[:YEAR]], e.g. mee-nbs:hebei:2022") from None
        choice: dict[str, Any] = {"series": parts[0]}
        if len(parts) > 1 and parts[1]:
            choice["scope"] = parts[1]
        if len(parts) > 2:
            try:
                choice["factor_year"] = int(parts[2])
            except ValueError:
                raise FactorError(f"--grid-factor {text!r}: {parts[2]!r} is not a year") from None
        return choice
    if not 0 <= value <= 2:
        raise FactorError(f"--grid-factor {text}: a grid factor in kgCO2/kWh lies between 0 and 2")
    return {"value": value}


def user_grid_factor(value: float) -> Factor:
    return Factor(name="grid", value=value, unit="kgCO2/kWh", series="user-supplied",
                  source="supplied by the user", confidence="user", source_zh="由用户提供")


def coal_equivalent() -> Factor:
    coal = _table()["coal"]
    return Factor(name="coal_equivalent", value=float(coal["equivalent_kgce_per_kwh"]),
                  unit="kgce/kWh", source=coal["source"], confidence=coal["confidence"],
                  source_zh=coal.get("source_zh", ""))


def fuels() -> dict[str, dict[str, Any]]:
    """Fuel column -> {kwh_per_unit, kgco2_per_kwh, unit, sources}."""
    return _table()["fuels"]
