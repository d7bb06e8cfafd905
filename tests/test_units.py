"""Header unit parsing and conversion factors."""

from __future__ import annotations

import pytest

from greendc.reference import units


@pytest.mark.parametrize(
    ("header", "label", "unit"),
    [
        ("IT energy (kWh)", "IT energy", "kWh"),
        ("总用电量（万千瓦时）", "总用电量", "万千瓦时"),
        ("Facility [MWh]", "Facility", "MWh"),
        ("Water, m3", "Water", "m3"),
        ("IT energy / kWh", "IT energy", "kWh"),
        ("Period start", "Period start", None),
        ("总用电量 Facility total energy (kWh)", "总用电量 Facility total energy", "kWh"),
    ],
)
def test_split_header(header, label, unit):
    assert units.split_header(header) == (label, unit)


@pytest.mark.parametrize(
    ("text", "kind", "factor"),
    [
        ("kWh", "energy", 1.0),
        ("Wh", "energy", 1e-3),
        ("MWh", "energy", 1e3),
        ("GWh", "energy", 1e6),
        ("度", "energy", 1.0),
        ("千瓦时", "energy", 1.0),
        ("万千瓦时", "energy", 1e4),
        ("万kWh", "energy", 1e4),
        ("ＭＷｈ", "energy", 1e3),  # full-width letters
        ("MJ", "energy", 1 / 3.6),
        ("GJ", "energy", 1e3 / 3.6),
        ("m³", "water", 1.0),
        ("吨", "water", 1.0),
        ("L", "water", 1e-3),
        ("℃", "temperature", 1.0),
        ("L", "fuel_volume", 1.0),
    ],
)
def test_factor_to_canonical(text, kind, factor):
    assert units.factor_to_canonical(text, kind) == pytest.approx(factor, rel=1e-12)


@pytest.mark.parametrize("text", ["h", "kW", "barrels", "", "kwhh"])
def test_unknown_energy_unit_is_refused(text):
    assert units.factor_to_canonical(text, "energy") is None


def test_power_units_are_recognised_as_power():
    assert units.unit_kind("MW") == "power"


def test_one_registry_per_process():
    assert units.registry() is units.registry()


def test_every_unit_spelling_converts_to_its_kind():
    """The alias table is read without pint; pint checks every entry here instead."""
    from greendc.reference.loading import load_toml
    from greendc.reference.units import factor_to_canonical

    for kind, spec in load_toml("units.toml").items():
        for spelling in spec["aliases"]:
            factor = factor_to_canonical(spelling, kind)
            assert factor is not None and factor > 0, (kind, spelling)
